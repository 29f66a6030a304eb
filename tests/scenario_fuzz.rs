//! A short run of the link/JSON fuzz harness on every `cargo test`; long runs:
//! `cargo run --release --example fuzz_links -- 1000000`.

mod support {
    pub mod link_fuzz;
}

#[test]
fn twenty_thousand_fuzzed_links_never_panic_and_round_trip() {
    support::link_fuzz::install_panic_hook();
    let stats = support::link_fuzz::run(20_000, 7);
    assert_eq!(stats.inputs, 20_000);
    // The harness must reach both sides: accepted and every kind of rejection.
    assert!(stats.accepted > 500, "{stats:?}");
    for kind in ["not-a-link", "corrupt", "invalid", "too-large", "json"] {
        assert!(
            stats.rejected.get(kind).copied().unwrap_or(0) > 0,
            "no {kind}: {stats:?}"
        );
    }
}
