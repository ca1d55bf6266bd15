//! Enums: unit-only ones stored as a string, enums with data as a tagged map.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;

use super::impl_header;
use crate::ast::{Container, Tagged, Variant};

pub fn unit_enum(container: &Container, variants: &[Variant]) -> TokenStream {
    let value_header = impl_header(container, quote!(::dynamap::DynamoValue));
    let list_header = impl_header(container, quote!(::dynamap::path::ListElement));
    let scalar_header = impl_header(container, quote!(::dynamap::value::ScalarAttribute));
    let key_header = impl_header(container, quote!(::dynamap::value::KeyAttribute));
    let segment_header = impl_header(container, quote!(::dynamap::schema::KeySegment));
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
                ::dynamap::error::ConversionError,
            > {
                let name: &'static str = match self { #(Self::#idents => #names,)* };
                ::dynamap::__private::Result::Ok(::core::option::Option::Some(
                    ::dynamap::__private::AttributeValue::S(::std::string::String::from(name)),
                ))
            }

            #[inline]
            fn from_attribute_value(
                value: ::dynamap::__private::AttributeValue,
            ) -> ::dynamap::__private::Result<Self, ::dynamap::error::ConversionError> {
                if let ::dynamap::__private::AttributeValue::S(s) = &value {
                    match s.as_str() {
                        #(#names => return ::dynamap::__private::Result::Ok(Self::#idents),)*
                        _ => {}
                    }
                }
                ::dynamap::__private::Result::Err(
                    ::dynamap::error::ConversionError::unexpected(Self::EXPECTED, &value),
                )
            }

            #[inline]
            fn __from_text(
                text: ::dynamap::__private::ScalarText<'_>,
            ) -> ::dynamap::__private::Result<Self, ::dynamap::error::ConversionError> {
                if let ::dynamap::__private::ScalarText::S(s) = text {
                    match s {
                        #(#names => return ::dynamap::__private::Result::Ok(Self::#idents),)*
                        _ => {}
                    }
                }
                <Self as ::dynamap::DynamoValue>::from_attribute_value(text.to_owned_value())
            }
        }

        // A unit enum names an item (a key, or a key template's segment) when it can
        // be cloned, as keys are.
        #key_header for<'__dynamap> Self: ::core::clone::Clone {}

        #segment_header for<'__dynamap> Self: ::core::clone::Clone {
            const FIXED_WIDTH: bool = false;

            #[inline]
            fn write_segment(
                &self,
                out: &mut ::std::string::String,
            ) -> ::dynamap::__private::Result<(), ::dynamap::error::ConversionError> {
                out.push_str(match self { #(Self::#idents => #names,)* });
                ::dynamap::__private::Result::Ok(())
            }
        }

        #scalar_header {
            const SCALAR_TYPE: ::dynamap::value::ScalarType = ::dynamap::value::ScalarType::String;
        }
    }
}

/// An enum with data, stored as a map: the variant's name under the tag, and its data
/// beside the tag (internally tagged) or under `content` (adjacently tagged).
pub fn tagged_enum(container: &Container, tagged: &Tagged) -> TokenStream {
    let value_header = impl_header(container, quote!(::dynamap::DynamoValue));
    let list_header = impl_header(container, quote!(::dynamap::path::ListElement));
    let tag = tagged.tag.value();
    let names: Vec<&String> = tagged.variants.iter().map(|v| &v.name).collect();
    let variants_list = names
        .iter()
        .map(|n| format!("{n:?}"))
        .collect::<Vec<_>>()
        .join(", ");
    let expected = format!(
        "a map (M) naming one of the variants {variants_list} of {} in `{tag}`",
        container.ident
    );
    let known = format!("one of the variants {variants_list}");
    let encode_arms = tagged.variants.iter().map(|v| encode_arm(tagged, v));
    let decode_arms = tagged.variants.iter().map(|v| decode_arm(tagged, v));
    quote! {
        #list_header {}

        #value_header {
            type Path<__P: ::dynamap::path::PathParent> = ::dynamap::path::Leaf<__P, Self>;

            const EXPECTED: &'static str = #expected;

            fn to_attribute_value(&self) -> ::dynamap::__private::Result<
                ::core::option::Option<::dynamap::__private::AttributeValue>,
                ::dynamap::error::ConversionError,
            > {
                let mut item: ::dynamap::value::Item = ::dynamap::__private::HashMap::new();
                match self {
                    #(#encode_arms)*
                }
                ::dynamap::__private::Result::Ok(::core::option::Option::Some(
                    ::dynamap::__private::AttributeValue::M(item),
                ))
            }

            fn from_attribute_value(
                value: ::dynamap::__private::AttributeValue,
            ) -> ::dynamap::__private::Result<Self, ::dynamap::error::ConversionError> {
                let mut item = match value {
                    ::dynamap::__private::AttributeValue::M(map) => map,
                    other => {
                        return ::dynamap::__private::Result::Err(
                            ::dynamap::error::ConversionError::unexpected(Self::EXPECTED, &other),
                        )
                    }
                };
                let variant = ::dynamap::__private::take_tag(&mut item, #tag)?;
                match variant.as_str() {
                    #(#decode_arms)*
                    _ => ::dynamap::__private::Result::Err(
                        ::dynamap::__private::unknown_variant(#known, &variant, #tag),
                    ),
                }
            }
        }
    }
}

/// The pattern binding a variant's fields as `__f0`, `__f1`, ...
fn bindings(variant: &Variant) -> (TokenStream, Vec<syn::Ident>) {
    let ident = variant.ident;
    let names: Vec<syn::Ident> = (0..variant.data.len())
        .map(|i| quote::format_ident!("__f{}", i))
        .collect();
    let pattern = match variant.fields {
        syn::Fields::Unit => quote!(Self::#ident),
        syn::Fields::Unnamed(_) => quote!(Self::#ident(#(#names),*)),
        syn::Fields::Named(_) => {
            let members = variant.data.iter().map(|f| &f.member);
            quote!(Self::#ident { #(#members: #names),* })
        }
    };
    (pattern, names)
}

fn encode_arm(tagged: &Tagged, variant: &Variant) -> TokenStream {
    let tag = tagged.tag.value();
    let name = &variant.name;
    let (pattern, bound) = bindings(variant);
    let put_tag = quote! {
        item.insert(
            ::std::string::String::from(#tag),
            ::dynamap::__private::AttributeValue::S(::std::string::String::from(#name)),
        );
    };
    let data = match (&tagged.content, variant.fields) {
        (_, syn::Fields::Unit) => quote!(),
        // Adjacent, one value: the value itself under `content`.
        (Some(content), syn::Fields::Unnamed(_)) => {
            let content = content.value();
            let value = &bound[0];
            quote!(::dynamap::__private::encode_field(&mut item, #content, #value)?;)
        }
        (Some(content), _) => {
            let content = content.value();
            let fields = variant.data.iter().zip(&bound).map(|(f, b)| {
                let field_name = &f.name;
                quote_spanned!(f.ty.span()=> ::dynamap::__private::encode_field(&mut data, #field_name, #b)?;)
            });
            quote! {
                let mut data: ::dynamap::value::Item = ::dynamap::__private::HashMap::new();
                #(#fields)*
                item.insert(
                    ::std::string::String::from(#content),
                    ::dynamap::__private::AttributeValue::M(data),
                );
            }
        }
        (None, _) => {
            let fields = variant.data.iter().zip(&bound).map(|(f, b)| {
                let field_name = &f.name;
                quote_spanned!(f.ty.span()=> ::dynamap::__private::encode_field(&mut item, #field_name, #b)?;)
            });
            quote!(#(#fields)*)
        }
    };
    quote! {
        #pattern => {
            #put_tag
            #data
        }
    }
}

fn decode_arm(tagged: &Tagged, variant: &Variant) -> TokenStream {
    let ident = variant.ident;
    let name = &variant.name;
    let take = |from: TokenStream, f: &crate::ast::VariantField| {
        let field_name = &f.name;
        let member = &f.member;
        let decode = quote_spanned!(f.ty.span()=> ::dynamap::__private::decode_slot(#from.remove(#field_name), #field_name)?);
        quote!(#member: #decode)
    };
    let build = match (&tagged.content, variant.fields) {
        (_, syn::Fields::Unit) => quote!(Self::#ident),
        (Some(content), syn::Fields::Unnamed(_)) => {
            let content = content.value();
            quote!(Self::#ident(::dynamap::__private::decode_slot(item.remove(#content), #content)?))
        }
        (Some(content), _) => {
            let content = content.value();
            let fields = variant.data.iter().map(|f| take(quote!(data), f));
            quote! {{
                let mut data = ::dynamap::__private::take_content(&mut item, #content)?;
                let built: ::dynamap::__private::Result<Self, ::dynamap::error::ConversionError> =
                    (|| ::dynamap::__private::Result::Ok(Self::#ident { #(#fields),* }))();
                built.map_err(|e| e.in_attribute(#content))?
            }}
        }
        (None, _) => {
            let fields = variant.data.iter().map(|f| take(quote!(item), f));
            quote!(Self::#ident { #(#fields),* })
        }
    };
    quote!(#name => ::dynamap::__private::Result::Ok(#build),)
}
