//! A newtype stored as its one field. It takes on each capability of the field's type
//! (a key, a set element, a number to `add` to, a time to live) exactly when that type
//! has it: every impl is bound on the field's type, and the bound is checked where the
//! capability is used, not here (the `for<'__dynamap>` keeps a bound on a concrete type
//! from being judged at the definition).

use proc_macro2::TokenStream;
use quote::quote;

use crate::ast::{Container, Newtype};

pub fn newtype(container: &Container, newtype: &Newtype) -> TokenStream {
    let Some(inner) = newtype.ty else {
        return TokenStream::new();
    };
    let ident = container.ident;
    let member = &newtype.member;
    let (impl_generics, ty_generics, where_clause) = container.generics.split_for_impl();
    let mut predicates: Vec<TokenStream> = where_clause
        .map(|w| w.predicates.iter().map(|p| quote!(#p)).collect())
        .unwrap_or_default();
    predicates.push(quote!(#inner: ::dynamap::DynamoValue));
    let header = |trait_path: TokenStream, extra: TokenStream| {
        quote! {
            #[automatically_derived]
            impl #impl_generics #trait_path for #ident #ty_generics
            where #(#predicates,)* #extra
        }
    };
    let wrap = match member {
        syn::Member::Named(name) => quote!(|inner| Self { #name: inner }),
        syn::Member::Unnamed(_) => quote!(Self),
    };
    let value = header(quote!(::dynamap::DynamoValue), quote!());
    let list_element = header(quote!(::dynamap::path::ListElement), quote!());
    let scalar = header(
        quote!(::dynamap::value::ScalarAttribute),
        quote!(for<'__dynamap> #inner: ::dynamap::value::ScalarAttribute,),
    );
    let key = header(
        quote!(::dynamap::value::KeyAttribute),
        quote!(
            for<'__dynamap> #inner: ::dynamap::value::KeyAttribute,
            for<'__dynamap> Self: ::core::clone::Clone,
        ),
    );
    let segment = header(
        quote!(::dynamap::schema::KeySegment),
        quote!(
            for<'__dynamap> #inner: ::dynamap::schema::KeySegment,
            for<'__dynamap> Self: ::core::clone::Clone,
        ),
    );
    let numeric = header(
        quote!(::dynamap::path::Numeric),
        quote!(for<'__dynamap> #inner: ::dynamap::path::Numeric,),
    );
    let containable = header(
        quote!(::dynamap::path::Containable),
        quote!(for<'__dynamap> #inner: ::dynamap::path::Containable,),
    );
    let ttl = header(
        quote!(::dynamap::value::TtlValue),
        quote!(for<'__dynamap> #inner: ::dynamap::value::TtlValue,),
    );
    quote! {
        #value {
            type Path<__P: ::dynamap::path::PathParent> = ::dynamap::path::Leaf<__P, Self>;

            const EXPECTED: &'static str = <#inner as ::dynamap::DynamoValue>::EXPECTED;

            #[inline]
            fn to_attribute_value(&self) -> ::dynamap::__private::Result<
                ::core::option::Option<::dynamap::__private::AttributeValue>,
                ::dynamap::error::ConversionError,
            > {
                ::dynamap::DynamoValue::to_attribute_value(&self.#member)
            }

            #[inline]
            fn from_attribute_value(
                value: ::dynamap::__private::AttributeValue,
            ) -> ::dynamap::__private::Result<Self, ::dynamap::error::ConversionError> {
                <#inner as ::dynamap::DynamoValue>::from_attribute_value(value).map(#wrap)
            }

            #[inline]
            fn from_missing() -> ::dynamap::__private::Result<Self, ::dynamap::error::ConversionError> {
                <#inner as ::dynamap::DynamoValue>::from_missing().map(#wrap)
            }

            #[inline]
            fn __from_text(
                text: ::dynamap::__private::ScalarText<'_>,
            ) -> ::dynamap::__private::Result<Self, ::dynamap::error::ConversionError> {
                <#inner as ::dynamap::DynamoValue>::__from_text(text).map(#wrap)
            }
        }

        #list_element {}

        #scalar {
            const SCALAR_TYPE: ::dynamap::value::ScalarType =
                <#inner as ::dynamap::value::ScalarAttribute>::SCALAR_TYPE;
        }

        #key {}

        #segment {
            const FIXED_WIDTH: bool = <#inner as ::dynamap::schema::KeySegment>::FIXED_WIDTH;

            #[inline]
            fn write_segment(
                &self,
                out: &mut ::std::string::String,
            ) -> ::dynamap::__private::Result<(), ::dynamap::error::ConversionError> {
                ::dynamap::schema::KeySegment::write_segment(&self.#member, out)
            }
        }

        #numeric {
            type Number = Self;
        }

        #containable {
            type Needle = <#inner as ::dynamap::path::Containable>::Needle;
        }

        #ttl {
            #[inline]
            fn to_ttl_attribute(&self) -> ::dynamap::__private::Result<
                ::core::option::Option<::dynamap::__private::AttributeValue>,
                ::dynamap::error::ConversionError,
            > {
                ::dynamap::value::TtlValue::to_ttl_attribute(&self.#member)
            }
        }
    }
}
