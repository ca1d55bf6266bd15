//! `AGGREGATES`: the counts and sums an entity keeps on parent entities (`count(..)`,
//! `sum(..)`), with the compile-time checks that the parent can hold them.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;

use crate::ast::{Container, Struct};

/// The stored name of the child field `ident`.
fn stored<'d>(data: &'d Struct, ident: &syn::Ident) -> Option<&'d crate::ast::Field<'d>> {
    data.fields.iter().find(|f| f.member == ident)
}

/// The `DynamoItem::AGGREGATES` member; none without aggregates.
pub fn members(data: &Struct) -> TokenStream {
    if data.aggregates.is_empty() {
        return TokenStream::new();
    }
    let mut checks = Vec::new();
    let mut entries = Vec::new();
    for aggregate in &data.aggregates {
        let (Some(parent), Some(into)) = (&aggregate.parent, &aggregate.into) else {
            continue;
        };
        let of = match aggregate.of.as_ref().and_then(|of| stored(data, of)) {
            Some(field) => {
                let (name, ty) = (&field.name, field.ty);
                checks.push(quote_spanned!(ty.span()=> ::dynamap::__private::summable::<#ty>();));
                quote!(::core::option::Option::Some(#name))
            }
            None => quote!(::core::option::Option::None),
        };
        let key = aggregate.key.iter().filter_map(|(parent_field, child)| {
            let child = &stored(data, child)?.name;
            let parent_field = parent_field.to_string();
            Some(quote!((#parent_field, #child)))
        });
        entries.push(quote! {
            ::dynamap::__private::Aggregate {
                parent: ::dynamap::__private::parent_entity::<#parent>(),
                parent_version: <#parent as ::dynamap::DynamoItem>::VERSION_ATTRIBUTE,
                attribute: #into,
                of: #of,
                key: &[#(#key),*],
            }
        });
    }
    quote! {
        #[doc(hidden)]
        const AGGREGATES: &'static [::dynamap::__private::Aggregate] = {
            #(#checks)*
            &[#(#entries),*]
        };
    }
}

/// The parent is an entity of the child's table, holds the attribute named, and the
/// child names exactly its key's fields (checked where the type is declared).
pub fn checks(container: &Container, data: &Struct) -> TokenStream {
    if !container.generics.params.is_empty() {
        return TokenStream::new();
    }
    let ident = container.ident;
    let mut out = TokenStream::new();
    for aggregate in &data.aggregates {
        let (Some(parent), Some(into)) = (&aggregate.parent, &aggregate.into) else {
            continue;
        };
        let parent_name = crate::ast::path_text(parent);
        let into_message = format!(
            "`{parent_name}` has no attribute `{}` to keep the count or sum in",
            into.value()
        );
        let key_message = format!(
            "`key(..)` names each field of `{parent_name}`'s key templates, and nothing else"
        );
        let names = aggregate.key.iter().map(|(p, _)| p.to_string());
        out.extend(quote_spanned! {parent.span()=>
            const _: () = ::dynamap::__private::same_table::<#parent, #ident>();
        });
        out.extend(quote_spanned! {into.span()=>
            const _: () = ::core::assert!(::dynamap::__private::has_attribute::<#parent>(#into), #into_message);
        });
        out.extend(quote_spanned! {aggregate.span=>
            const _: () = ::core::assert!(::dynamap::__private::names_key_fields::<#parent>(&[#(#names),*]), #key_message);
        });
    }
    out
}
