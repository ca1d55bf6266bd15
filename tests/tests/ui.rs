//! Compile-time promises of the derives: each mistake is an error at the user's code
//! with a sentence that says what to do. Expected compiler output is in `ui/fail/*.stderr`
//! (regenerate with `TRYBUILD=overwrite cargo test -p dynamap-tests --test ui`).

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.pass("ui/pass/*.rs");
    t.compile_fail("ui/fail/*.rs");
}
