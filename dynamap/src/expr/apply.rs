//! Applying a [`Rendered`] request to the SDK's builders: one way for every operation
//! and every transaction action.

use aws_sdk_dynamodb::operation::{
    delete_item::builders::DeleteItemFluentBuilder, get_item::builders::GetItemFluentBuilder,
    put_item::builders::PutItemFluentBuilder, query::builders::QueryFluentBuilder,
    scan::builders::ScanFluentBuilder, update_item::builders::UpdateItemFluentBuilder,
};
use aws_sdk_dynamodb::types::builders::{
    ConditionCheckBuilder, DeleteBuilder, GetBuilder, PutBuilder, UpdateBuilder,
};

use super::Rendered;

/// An SDK builder that takes expressions.
pub(crate) trait Apply: Sized {
    /// Sets the builder's expressions, names and values from `rendered`.
    fn apply(self, rendered: Rendered) -> Self;
}

/// Implements [`Apply`] for a builder from the parts it takes; a part it does not take
/// is never rendered for it (checked in debug builds).
macro_rules! apply {
    ($($builder:ty: $($part:ident => $setter:ident),+;)+) => {$(
        impl Apply for $builder {
            fn apply(self, rendered: Rendered) -> Self {
                let taken = [$(stringify!($part)),+];
                for (part, present) in [
                    ("update", rendered.update.is_some()),
                    ("condition", rendered.condition.is_some()),
                    ("filter", rendered.filter.is_some()),
                    ("key_condition", rendered.key_condition.is_some()),
                    ("projection", rendered.projection.is_some()),
                ] {
                    debug_assert!(!present || taken.contains(&part), "{part} on {}", stringify!($builder));
                }
                self$(.$setter(rendered.$part))+
                    .set_expression_attribute_names(rendered.names)
                    .set_expression_attribute_values(rendered.values)
            }
        }
    )+};
}

apply! {
    PutItemFluentBuilder: condition => set_condition_expression;
    UpdateItemFluentBuilder: update => set_update_expression, condition => set_condition_expression;
    DeleteItemFluentBuilder: condition => set_condition_expression;
    QueryFluentBuilder:
        key_condition => set_key_condition_expression,
        filter => set_filter_expression,
        projection => set_projection_expression;
    ScanFluentBuilder: filter => set_filter_expression, projection => set_projection_expression;
    PutBuilder: condition => set_condition_expression;
    UpdateBuilder: update => set_update_expression, condition => set_condition_expression;
    DeleteBuilder: condition => set_condition_expression;
    ConditionCheckBuilder: condition => set_condition_expression;
}

/// Reads take a projection only, and so names but no values.
macro_rules! apply_projection {
    ($($builder:ty),+) => {$(
        impl Apply for $builder {
            fn apply(self, rendered: Rendered) -> Self {
                debug_assert!(
                    rendered.values.is_none() && rendered.condition.is_none(),
                    "a read takes a projection only"
                );
                self.set_projection_expression(rendered.projection)
                    .set_expression_attribute_names(rendered.names)
            }
        }
    )+};
}

apply_projection!(GetItemFluentBuilder, GetBuilder);
