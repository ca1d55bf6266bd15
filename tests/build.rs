//! Which end-to-end test modules the `e2e` binary is built with: every one, unless
//! `DYNAMAP_E2E_MODULES` names some (space-separated). `scripts/mutants` names the
//! modules whose tests judge the mutated code: compiling the whole binary is most of a
//! mutant's time, and its other modules' tests would be filtered out anyway.

fn main() {
    println!("cargo::rerun-if-env-changed=DYNAMAP_E2E_MODULES");
    println!("cargo::rustc-check-cfg=cfg(e2e_all)");
    println!("cargo::rustc-check-cfg=cfg(e2e_module, values(any()))");
    let only = std::env::var("DYNAMAP_E2E_MODULES").unwrap_or_default();
    if only.trim().is_empty() {
        println!("cargo::rustc-cfg=e2e_all");
    }
    for module in only.split_whitespace() {
        println!("cargo::rustc-cfg=e2e_module=\"{module}\"");
    }
}
