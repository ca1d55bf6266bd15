//! `Rejected`: an input item of a batch refused before sending, carried by
//! `Error::BatchIncomplete`.

/// An input item a batch operation refused before sending, named by its position in
/// the input (counting from 0), with the reason.
///
/// ```
/// # fn f(err: dynamap::Error) {
/// if let dynamap::Error::BatchIncomplete { rejected, .. } = err {
///     for r in &rejected {
///         eprintln!("item {} refused: {}", r.index, r.error);
///     }
/// }
/// # }
/// ```
#[derive(Debug)]
pub struct Rejected {
    /// The item's position in the input.
    pub index: usize,
    /// Why it was refused.
    pub error: super::Error,
}
