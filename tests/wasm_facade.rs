#![cfg(target_arch = "wasm32")]
//! Browser tests of the wasm façade (`raft_playground::wasm::Playground`), run in
//! headless Chromium by wasm-bindgen-test-runner:
//! `CHROMEDRIVER=/usr/bin/chromedriver cargo test --target wasm32-unknown-unknown --test wasm_facade`.

use raft_playground::wasm::Playground;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn config(pairs: &[(&str, JsValue)]) -> JsValue {
    let o = js_sys::Object::new();
    for (k, v) in pairs {
        js_sys::Reflect::set(&o, &(*k).into(), v).unwrap();
    }
    o.into()
}

fn cluster(nodes: f64, seed: f64) -> Playground {
    Playground::new(config(&[("nodes", nodes.into()), ("seed", seed.into())])).unwrap()
}

/// The message of a JsError, as JS sees it.
#[track_caller]
fn message<T>(r: Result<T, wasm_bindgen::JsError>) -> String {
    let e = JsValue::from(r.err().expect("expected an error"));
    js_sys::Reflect::get(&e, &"message".into())
        .unwrap()
        .as_string()
        .unwrap()
}

fn get(v: &JsValue, key: &str) -> JsValue {
    js_sys::Reflect::get(v, &key.into()).unwrap()
}

fn nodes_of(view: &JsValue) -> Vec<JsValue> {
    js_sys::Array::from(&get(view, "nodes")).iter().collect()
}

#[wasm_bindgen_test]
fn creates_a_cluster_from_a_config_object_or_nothing() {
    let p = cluster(3.0, 9.0);
    assert_eq!(p.nodes(), 3);
    assert_eq!(p.now(), 0.0);
    let view = p.view(None, None).unwrap();
    assert_eq!(nodes_of(&view).len(), 3);
    assert_eq!(get(&view, "seed").as_f64(), Some(9.0));
    let d = Playground::new(JsValue::UNDEFINED).unwrap();
    assert_eq!(d.nodes(), 5);
    let bugs = js_sys::Array::from(&d.bugs().unwrap());
    assert_eq!(bugs.length(), raft_playground::raft::Bug::ALL.len() as u32);
    assert_eq!(get(&bugs.get(0), "on").as_bool(), Some(false));
}

#[wasm_bindgen_test]
fn bad_arguments_raise_clear_errors() {
    let e = message(Playground::new(config(&[("nodes", 12.into())])));
    assert!(
        e.contains("nodes must be a whole number from 1 to 9"),
        "{e}"
    );
    let e = message(Playground::new(config(&[("nodez", 3.into())])));
    assert!(e.contains("unknown field 'nodez'"), "{e}");
    let e = message(Playground::new(config(&[("loss", 3.into())])));
    assert!(e.contains("loss is a ratio"), "{e}");
    let e = message(Playground::new(config(&[("seed", "abc".into())])));
    assert!(e.contains("cluster config"), "{e}");
    let mut p = cluster(5.0, 1.0);
    assert_eq!(
        message(p.crash(0.0)),
        "no node 0: nodes are numbered 1 to 5"
    );
    assert!(message(p.crash(6.0)).contains("no node 6"));
    assert!(message(p.restart(2.5)).contains("no node 2.5"));
    assert!(message(p.restart(2.0)).contains("running"));
    assert!(message(p.cut(1.0, 1.0)).contains("itself"));
    assert!(message(p.run_until(-1.0)).contains("in the past"));
    assert!(message(p.run_for(f64::NAN)).contains("not a number"));
    assert!(message(p.run_for(1e12)).contains("run for"));
    assert!(message(p.set_bug("nope".into(), true)).contains("unknown bug 'nope'"));
    assert!(message(p.write(String::new(), "v".into(), None)).contains("key"));
    assert!(message(p.drop_message(99999.0)).contains("not in flight"));
    let bad_groups = js_sys::JSON::parse("[[1,2],[2,3]]").unwrap();
    assert!(message(p.partition(bad_groups)).contains("two partition groups"));
    assert!(message(p.partition("x".into())).contains("list of groups"));
    let knobs = js_sys::JSON::parse(r#"{"los": 0.5}"#).unwrap();
    assert!(message(p.set_network(knobs)).contains("unknown field 'los'"));
    let knobs = js_sys::JSON::parse(r#"{"latencyMin": 50}"#).unwrap();
    assert!(message(p.set_network(knobs)).contains("latency"));
    // Nothing bad happened to the world.
    assert_eq!(p.now(), 0.0);
    p.run_for(100.0).unwrap();
}

#[wasm_bindgen_test]
fn elects_a_leader_within_two_simulated_seconds() {
    let mut p = cluster(5.0, 3.0);
    p.run_until(2000.0).unwrap();
    let leader = p.leader().expect("a leader");
    let view = p.view(None, None).unwrap();
    let leaders: Vec<f64> = nodes_of(&view)
        .iter()
        .filter(|n| get(n, "role").as_string().unwrap() == "leader")
        .map(|n| get(n, "id").as_f64().unwrap())
        .collect();
    assert_eq!(leaders, vec![leader]);
}

#[wasm_bindgen_test]
fn a_write_commits_on_every_node() {
    let mut p = cluster(5.0, 4.0);
    p.run_until(1000.0).unwrap();
    p.write("x".into(), "42".into(), None).unwrap();
    p.run_for(1000.0).unwrap();
    let view = p.view(None, None).unwrap();
    for n in nodes_of(&view) {
        let kv = js_sys::JSON::stringify(&get(&n, "kv")).unwrap();
        assert_eq!(String::from(kv), r#"[["x","42"]]"#);
        let log = js_sys::Array::from(&get(&n, "log"));
        let commit = get(&n, "commitIndex").as_f64().unwrap();
        assert!(commit as u32 >= log.length() && log.length() >= 2);
    }
}

#[wasm_bindgen_test]
fn stepping_advances_one_event_at_a_time() {
    let mut p = cluster(3.0, 1.0);
    let next = p.next_event_time().unwrap();
    assert_eq!(p.step().unwrap(), next);
}

#[wasm_bindgen_test]
fn trace_hash_matches_the_native_golden_run() {
    // The same script as tests/page_golden.rs.
    let mut p = Playground::new(config(&[("seed", 7.into())])).unwrap();
    p.run_until(1000.0).unwrap();
    p.write("x".into(), "1".into(), None).unwrap();
    p.run_until(2000.0).unwrap();
    p.crash(2.0).unwrap();
    p.run_until(2500.0).unwrap();
    p.restart(2.0).unwrap();
    p.run_for(500.0).unwrap();
    let expected = include_str!("data/facade_trace_hash.txt").trim();
    assert_eq!(p.trace_hash(), expected);
    // Stable: the same again.
    let mut q = Playground::new(config(&[("seed", 7.into())])).unwrap();
    q.run_until(1000.0).unwrap();
    assert_ne!(q.trace_hash(), expected);
    assert_eq!(q.trace_hash(), {
        let mut r = Playground::new(config(&[("seed", 7.into())])).unwrap();
        r.run_until(1000.0).unwrap();
        r.trace_hash()
    });
}

#[wasm_bindgen_test]
fn frame_view_packed_messages_and_log_tails_agree_with_the_full_view() {
    let mut p = cluster(5.0, 6.0);
    p.run_until(1000.0).unwrap();
    p.write("k".into(), "v".into(), None).unwrap();
    p.run_for(3.0).unwrap();
    let full = p.view(None, None).unwrap();
    let frame = p.frame_view(10.0, false).unwrap();
    let packed = p.messages().to_vec();
    let messages: Vec<JsValue> = js_sys::Array::from(&get(&full, "messages"))
        .iter()
        .collect();
    assert!(!messages.is_empty());
    assert_eq!(packed.len(), messages.len() * 7);
    let kinds = Playground::message_kinds();
    for (m, row) in messages.iter().zip(packed.chunks(7)) {
        assert_eq!(get(m, "id").as_f64(), Some(row[0]));
        assert_eq!(get(m, "kind").as_string().unwrap(), kinds[row[3] as usize]);
        assert_eq!(get(m, "deliverAt").as_f64(), Some(row[6]));
        let detail = p.message_detail(row[0]).unwrap().unwrap();
        assert_eq!(get(m, "detail").as_string().unwrap(), detail);
    }
    assert_eq!(js_sys::Array::from(&get(&frame, "messages")).length(), 0);
    for (f, n) in nodes_of(&frame).iter().zip(nodes_of(&full)) {
        assert_eq!(js_sys::Array::from(&get(f, "log")).length(), 0);
        assert_eq!(get(f, "logSig").as_f64(), get(&n, "logSig").as_f64());
        let id = get(f, "id").as_f64().unwrap();
        let tail = p.log_tail(id, 1000.0).unwrap();
        assert_eq!(
            String::from(js_sys::JSON::stringify(&tail).unwrap()),
            String::from(js_sys::JSON::stringify(&get(&n, "log")).unwrap())
        );
    }
    let first = nodes_of(&full)[0].clone();
    let len = get(&first, "logLength").as_f64().unwrap();
    let sig = get(&first, "logSig").as_f64().unwrap();
    let same = p.log_since(1.0, len, sig, 100.0).unwrap();
    assert_eq!(get(&same, "reset").as_bool(), Some(false));
    assert_eq!(js_sys::Array::from(&get(&same, "entries")).length(), 0);
    let all = p.log_since(1.0, 0.0, 0.0, 100.0).unwrap();
    assert_eq!(
        js_sys::Array::from(&get(&all, "entries")).length() as f64,
        len
    );
    assert!(message(p.log_since(1.0, 0.0, -1.0, 5.0)).contains("known fingerprint"));
    assert!(message(p.log_tail(0.0, 5.0)).contains("no node 0"));
    assert!(message(p.message_detail(-1.0)).contains("message id"));
    assert_eq!(p.message_detail(999_999.0).unwrap(), None);
}
