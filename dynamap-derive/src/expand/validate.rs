//! `validate` and `validate_attribute`: the validators a type and its fields declare
//! (`#[dynamo(validate = "path")]`), run by every write before sending.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;

use crate::ast::{Field, Struct};

fn validated_fields<'d, 'a>(data: &'d Struct<'a>) -> Vec<(&'d Field<'a>, &'d syn::Path)> {
    data.fields
        .iter()
        .filter_map(|f| f.attrs.validate.as_ref().map(|path| (f, path)))
        .collect()
}

/// The `DynamoItem` members that run the validators; none without validators.
pub fn members(ident: &syn::Ident, data: &Struct) -> TokenStream {
    let fields = validated_fields(data);
    if fields.is_empty() && data.validate.is_none() {
        return TokenStream::new();
    }
    let item = ident.to_string();
    let field_checks = fields.iter().map(|(field, path)| {
        let (member, name) = (field.member, &field.name);
        quote_spanned! {path.span()=>
            ::dynamap::__private::validated(#item, ::core::option::Option::Some(#name), #path(&self.#member))?;
        }
    });
    let type_check = data.validate.as_ref().map(|path| {
        quote_spanned! {path.span()=>
            ::dynamap::__private::validated(#item, ::core::option::Option::None, #path(self))?;
        }
    });
    let names = fields.iter().map(|(field, _)| &field.name);
    let arms = fields.iter().map(|(field, path)| {
        let (name, ty) = (&field.name, field.ty);
        quote_spanned! {path.span()=>
            #name => {
                let value: #ty = ::dynamap::__private::decode_validated(value, #name)?;
                ::dynamap::__private::validated(#item, ::core::option::Option::Some(#name), #path(&value))
            }
        }
    });
    quote! {
        fn validate(&self) -> ::dynamap::Result<()> {
            #(#field_checks)*
            #type_check
            ::dynamap::__private::Result::Ok(())
        }

        const VALIDATED_FIELDS: &'static [&'static str] = &[#(#names),*];

        fn validate_attribute(
            name: &str,
            value: ::core::option::Option<&::dynamap::__private::AttributeValue>,
        ) -> ::dynamap::Result<()> {
            match name {
                #(#arms)*
                _ => ::dynamap::__private::Result::Ok(()),
            }
        }
    }
}
