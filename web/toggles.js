// The broken-rule toggles, as the page teaches them: for each, a "Show me" run
// where it breaks and one sentence on how to break it by hand.
//
// A "Show me" is a gallery preset, or a scenario link made by
// `cargo run --example toggle_links` (examples/toggle_links.rs): the run of
// `raft-playground run --seed N --faults random --bug NAME` for the seed the
// README's toggle table names, opening paused half a second before the
// checker's first violation and ending a second after it (the example checks
// the link replays that very run). Links stay valid in every later release; the runs they show stay the
// same as long as the core's behaviour does (the golden trace hashes).

/** name -> { show: { preset } | { link } | null, hint } */
export const TOGGLES = {
  "commit-old-term": {
    show: { preset: "figure-8-broken" },
    hint: "By hand it takes Figure 8's exact order: a restarted leader copies an entry of an older term to a majority, counts it as committed, and crashes before any entry of its own term is stored on a majority.",
  },
  "forget-vote": {
    show: { link: "#s=1.eNptUD1oFEEU3pnZgYhWoq2-zgTcwElUvGbtbCQm2qbZ3L27W7ybWWZmE6KNhQYrD38KjdgIIlpoIM1pIUQsVBQkYCEWGgIBczkRwd43u6KHZIrHm_e973vfe2MNbZroojntsAoWsQ6VygToBrgWgklUXXfAziNmD_jZ8lcziW2hPQxZYlzqUq0sEEIEgwizuV2AWjtF5ahlPnUtGBpBUqmrtWiKVuMwZdBamGonCzCqDZwDp8E6zMaqkDg4Vjl6Ajq2MEKU2nk0YDDTxlk4oxAKvYyKDk2nCpO6jnCkqNb9SFBlobSG6l9tAlJVkKByfBwmE5fOoVcmH1VaueEinzaNzolqcgVR9PcwUdRI8jY5-HOaKJrNm8MbGvnj5q6vD_d-WBQnrx66nQf_PUEAwSHbPUQK9q9s7ZFi_fPBQDDJQsG4eL8Zj3iB7stfozPdtbh34Ep_uvciXl49zV9vzvCNR4bw3i12cd-TU-sXXsXb075lNe596zIhlgaPmZSDd29ZwJkMSTD8sjhgpO_FWSj7169xP-AnW7rj37O4FLoc95_e45J_3Fjhgj-_8YYLeX9tiziX7n7n3IdQFLHMZRELcGSnhbeXP_GA8d_P8NMJ" },
    hint: "By hand, in 3 nodes: force a timeout on a follower (T); crash the third node as soon as it votes, cut the candidate's links to it, restart it and force a timeout on the old leader: it votes again in the same term.",
  },
  "vote-without-log-check": {
    show: { link: "#s=1.eNp1UL9rFFEQ3vdjIYKVivV0dwd5kct5BK6JYGEjIcQ_QN7tzt0t7u5b33ubeNoEixDLEAXBXJWAxsJKsNBGUFCwSCOIVQyCkaBoJwjq292r5PKKeTPzzTcz38wuK4tiJbIDlVsRq74IBhhc64BBDKEJqgd2gKBlGqoEzApidoctVVGgpRmgmYZMahvZSKUGHOIIGhG6uRlCEEeYWldSTIDJs1zXyDovBJXOwKJGY2AxlkOoKw1XwCowFrNGB6SFdmuuDYkpdyrJqEFjprQ1cBll6MKLKslitJi6Ph1YUCHCeehiIBOEuCopRKFOoNmG8TZlQ7epHhZTojTEG9Cag7osC0V7jJUqKk3QqhkIVJIUiusGr0NztjFdZiJrnZgorYa0GzOwIG20jMWmTlfHXbNnReH2tcodXecpCDG-uBA9mcdOz_jmQnTz_jGnI_6PzRP7D0_trbEL67X7ufffYw5wMCdnJ_O90_sHJz1GmU8Ipfzl3jn6amOJ_v541aOUUMa4f7RxmzC--uUeYeTb9i6hW6NnxKOEc4f7fx-9cd7P0QcytV47_ENvnXly6dPNp_PVvzP__PVX4vubd9dcr887W5Szo_cvqKP7BZ0__vWOEka3R4fUYx4j1HfJ1QffKS0MJ4WdmiTs4O0u9Qj_B6VT5M8" },
    hint: "By hand: isolate a follower, write a few keys to the others, let the isolated node time out a few times (its term climbs), then heal: it can win the election without the committed entries.",
  },
  "truncate-matching": {
    show: { link: "#s=1.eNplUDFOw0AQtM9JgUQDFeV2gMQFEKLAFRJ9FIUHoIu9tk_Yd9bdXkI-gGgRQuIHvAOJB6QGiogX0NOwgSgFuWpPM7MzO5JcMJkilI2irNKmTMEj5nAMtgCqEJwyuW3ATxDbDzH8-2VO-Qr9AbTKkSZtjQdGWOAQYRT8FLJaoyGmTDRVsGbDCzVP7GRNDwYOvYdBraawZx1cAlnwhO1-Corg7OgUGv-bhhXZNTpw2FpHHi5s02giXsNmTqMHg2PGs0qZElPo2xzhhOmNHTNJs6S25YpcOD5GmxxvmGTNAaiaKhvKiplQqRyy1f7QLkItuT3oK9JjXOTg0Cm3VJBcjKWzgYvgc0HKZZNSFirUbL3sUspRKNcribtfDxvz5-3ZbXJ-t_sUon8vYYDhTry1Jo0688_NKBFJN46F6LzMDsXr_VB8v11FQsQiSTrdx_edKE5-AM_wpuY" },
    hint: "By hand: set duplication and latency high in Network (say 30 %, 5–80 ms) and keep writing: a late duplicate AppendEntries makes a follower drop entries it had already acknowledged.",
  },
  "commit-without-min": {
    show: null,
    hint: "No schedule of crashes, partitions, loss or duplication reaches this one with this core (README, What sweeps find): tests/toggles_scripted.rs delivers the one message that does, so there is no run to show.",
  },
  "ignore-higher-term-reply": {
    show: { link: "#s=1.eNp1kr9u1EAQxr13cSRaKir0dUnQnRVfFCQOIdHS0MAL7NnjP7o9r7OzxjEVFYKCioYyHe9AyRPwABR5hLR0zNoHiiLFhbXa-Wbm9332i7psrKNlVZcVuaUnt1s6as2whgZ7bQiGdE4OvtIek5oRJDXxn_nbiibZci9jb92AvvYV7hsNlnJWUQ7bJHiTjhsYQYB0gZqRdR62KCAbT5NzMHSTY0vUMjYki9_VTYnaT43PBY1g5eUYZCjzgr6nscU0dpUgkDbke-u2qEgbDtNX4LUQHHG4cn5D2vP_phTakVgtOhbW0dLeNzLt3BAgpuk4rqwxtgdfdNLDJ4uRWKz9Cywgjlo5DFN7glde4gqmcts3EoZE01fUjOKG-r0JgQvlHTHrcsxeZxKuX4wGTs-fJWfYMY4DoJXgxlW2LA2tpXz2NEmlfJLgtQXrgvyA1tmWnBw2MmsbvDvRTlsvPW59MFl20REHztoY5NRaFoTaJ_P45uuD6-8Pf32cv_x09K2L7j5XXw6vfj6O1aP7foMolt5YyYzDSF2qVCnRRzOlDmbzg_j69xO5HtRKqQ-f389ufgyRUn8BqTnl_g" },
    hint: "By hand: Isolate leader, let the others elect a new one, then Heal all: the old leader's heartbeats are refused with a newer term, which it ignores until the new leader's own messages arrive.",
  },
  "ack-before-commit": {
    show: { link: "#s=1.eNplUUFu2zAQtKXkUKCX9gWDXGwDpgq5AZL61AcURZC-gJJWEiGZFMhVDfcBRa9FL_1B31GgD8gTgr6gD-ghK8k5JOaJ5O7Mzs4onTcqo9J5Urnb7QxvEYgKpHAluCZ4bQu3Q9gTdf_j2-mVex1qCmt02rNh42yAVATgiZD14YC8NWRZWvaGa5yMEULDeS2TnE1w4ykE3LT6gKXz-AR2CEzdagvNuHx3jV0Y1Qgib8jDU-c8B3wwlrQ3X3RmWsOHLbqel026xkW-Sd5erJA9KsEGpetFY5NCZ2H4maiTSyFfi2h-At48A-91GLawbt9SUYnuAZ1K34QedxOJemSRd6Xt2HJ1nVyNLYM_1nFtbIXc9W2BWn8mFNQS0ySrZFnNcILlsOvmMQK5dOT1ZLOzaOiARZMupnG5tkIrE9EezaBihY_SLuzik5i6lRRLVsO18qMJvrdQ6pi0UqXuW3HzmLVSWV-dRjY___fjxf2v13df4_ffFj_72bMTS0HKZ_NXJ9BZfP_35SyO4vP5PIrOft-9if58v40E9AA1LNIJ" },
    hint: "By hand: send a write to the leader and cut the leader off from every follower (or crash it) before its AppendEntries land: the client already has its answer, and the next leader never had the entry.",
  },
  "stale-read": {
    show: { link: "#s=1.eNpdUbtu1EAU9SMrASUfgK6WYneltSVnIZtdivABCCWhoZ21r-2RnRlr5hprqYGkQYpEE_EDVHQp-IFIlPAHiBaEUKqUud5HXm48M_ece849t29JlBgYFMkULGICo_EW6BQoRzBCJfoAbINY_fP3l7fYCJujHUIlDEmSWlngChMMIsxqO4e4lKiIIY2kHK4VuJOkOGcRrULYNWgt7JZiDn1t4BWQZixWgykIgujJ1gQO7MIHU-ICDRistCELL6RCYeRbMZOlpPkUMqR-EQ1gttaGiMFUG8Va3XgzHHVXPbfDMXcdsk-Cqm5ZQwZE4dPubXYjeKq4ULopMcm4C9Mnm9Gajak2yN74lbX5ngm1gGxH4WgBaSNRmnKpMoh1XSaQizcIjZFEqK5MpcRzSQqh3w46Wic_Bl2hEct0tYIC59Arot5SMhaKW7MqlKskMBnAS4azAofEkU55eSkF7TEzumYzplYQBFcrDoJU1CWHuVpyEMzq7MauLrzO_0_3f315-OOD__yod1I7dz6fC1zecB9ck5zO2cfHjue5Hd_zNz5_nfje79PXruufvKu8w_ND995R7_jM_7v37dH7Pz939tvf3ved0-NnjnMJuV7XZA" },
    hint: "By hand: isolate the leader, write a new value for a key through the new leader on the majority's side, then read that key from the old leader: it answers from its own state machine, with the old value.",
  },
  "reply-before-persist": {
    show: { link: "#s=1.eNptUD1rFUEU3ZnZhQhWmh9wu5dAJuZF48drIljYhRB_gMzbve_t4tuddWY2cbUJFiGWIQqCeVUCfhRWgoVpBBULizSiWEURjARFO0FQ774XLMJOMV_nnnPPPVMG814p29jRBmWOxibWtcAiRtAE3QEXIxiVRToFu4SY3xILw1dolI3RTkCujEtcojMLhBDBIEK7sCWEvQQzRyVLiYuhrhNpJi6MqZnOJmHeoLUw31MljGkDl8BpsA7z8RYoB6eb0-cgtQNHRAmvoKk0tXEWLug0TZwjHWpoErSQ4SLhYayyLrZgTkcIMxD-L1Pg0KSyeWZAKIcOh35humEHldU0YxavQvPUeGUgySK8BjNTEzSdg6ySPAmximpkzxIsdV55NTgJc8olizhIQJUtyrPjZHXtGl1QE1NkIOVB5lJ2VNGjmQ5Sl7JddGvDY8GP9SO794_trIjzq427hXdoCQII9tloHds7vvvpqCe4CBjj3H--c4K_WFvgvz9c9jhnXAg_2F-7yYS__OUOE-zb5kPGN_pPmceZ7xMe_H3wmm4_--_ZyGpj7w-_Mfr44sfrT2aH59bss5dfWRCs314hrc9bG9wX-2-3OdGDiu4_-vWGM8E3-3vcE55gPKDP5XvfOa82n1X7SN1Y26_ecY-Jf8oY4_o" },
    hint: "By hand: force a timeout on a follower (T) and crash a node that votes for it before the vote is on its disk; restarted, it has forgotten the vote and can give it again in the same term.",
  },
};

/** The "Show me" of toggle `name`, as an action's `link` ({ preset } or a link), or null. */
export function showMe(name) {
  return TOGGLES[name]?.show ?? null;
}

/** How to break toggle `name` by hand, in one sentence (or ""). */
export function hint(name) {
  return TOGGLES[name]?.hint ?? "";
}
