//! A unit-only enum stored as a string.

use proc_macro2::TokenStream;
use quote::quote;

use super::impl_header;
use crate::ast::{Container, Variant};

pub fn unit_enum(container: &Container, variants: &[Variant]) -> TokenStream {
    let value_header = impl_header(container, quote!(::dynamap::DynamoValue));
    let list_header = impl_header(container, quote!(::dynamap::path::ListElement));
    let scalar_header = impl_header(container, quote!(::dynamap::ScalarAttribute));
    let names: Vec<&String> = variants.iter().map(|v| &v.name).collect();
    let idents: Vec<&syn::Ident> = variants.iter().map(|v| v.ident).collect();
    let expected = format!(
        "one of the strings {} ({})",
        names
            .iter()
            .map(|n| format!("{n:?}"))
            .collect::<Vec<_>>()
            .join(", "),
        container.ident
    );
    quote! {
        #list_header {}

        #value_header {
            type Path<__P: ::dynamap::path::PathParent> = ::dynamap::path::Leaf<__P, Self>;

            const EXPECTED: &'static str = #expected;

            #[inline]
            fn to_attribute_value(&self) -> ::dynamap::__private::Result<
                ::core::option::Option<::dynamap::__private::AttributeValue>,
                ::dynamap::ConversionError,
            > {
                let name: &'static str = match self { #(Self::#idents => #names,)* };
                ::dynamap::__private::Result::Ok(::core::option::Option::Some(
                    ::dynamap::__private::AttributeValue::S(::std::string::String::from(name)),
                ))
            }

            #[inline]
            fn from_attribute_value(
                value: ::dynamap::__private::AttributeValue,
            ) -> ::dynamap::__private::Result<Self, ::dynamap::ConversionError> {
                if let ::dynamap::__private::AttributeValue::S(s) = &value {
                    match s.as_str() {
                        #(#names => return ::dynamap::__private::Result::Ok(Self::#idents),)*
                        _ => {}
                    }
                }
                ::dynamap::__private::Result::Err(
                    ::dynamap::ConversionError::unexpected(Self::EXPECTED, &value),
                )
            }
        }

        #scalar_header {
            const SCALAR_TYPE: ::dynamap::ScalarType = ::dynamap::ScalarType::String;
        }
    }
}
