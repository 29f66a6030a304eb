// The guided tour (#tour, #tour=N for chapter N): one chapter per claim of the
// field guide to Raft, each a few steps. A step is a caption over a scenario
// at a point in time (a gallery preset run to that time, paused); the last
// step of a chapter is a "try it": it sets a scene, asks the person to do
// something, recognises it in the action stream (`onAction`), watches the
// run until the outcome shows, and says what happened.
//
// The chapters follow the field guide's order; "packets drop, nodes pause,
// clocks drift" comes from the same opening paragraph as "a majority makes
// progress" and follows it, so that the first chapter can introduce the screen.
// Every caption was written from the run it shows (times, ids, terms): if the
// core's behaviour changes, read each scene again (`raft.view()`).

import { $, html } from "./dom.js";
import { store } from "./store.js";

/** Nodes that `id` can still exchange messages with (no cut either way). */
function reachable(v, id) {
  const cuts = new Set(v.partition.cuts.map(([a, b]) => `${a}-${b}`));
  return v.nodes.filter((n) => n.id !== id && !cuts.has(`${id}-${n.id}`) && !cuts.has(`${n.id}-${id}`)).map((n) => n.id);
}

const names = (ids) => ids.map((i) => `S${i}`).join(", ");
const node = (v, id) => v.nodes.find((n) => n.id === id);
const leaderOf = (v) => {
  const max = Math.max(0, ...v.nodes.map((n) => n.term));
  return v.nodes.find((n) => n.role === "leader" && !n.crashed && n.term === max);
};
const isolated = (v, id) => (reachable(v, id).length + 1) * 2 <= v.nodes.length;
/** Cuts the leader off from every other node and sends it a write. */
const isolateAndWrite = (act, v) => {
  const l = leaderOf(v);
  act({ type: "partition", groups: [[l.id], v.nodes.filter((n) => n.id !== l.id).map((n) => n.id)] });
  act({ type: "write", key: "x", value: "1", node: l.id });
};
const kvText = (kv) => (kv.length ? kv.map(([k, x]) => `${k}=${x}`).join(", ") : "nothing");

export const CHAPTERS = [
  {
    title: "A majority makes progress",
    claim:
      "“The whole point of a consensus protocol is to let a cluster keep making progress anyway — as long as a majority of nodes are alive and can talk to each other.”",
    steps: [
      {
        scene: { preset: "minority-cannot-commit", ms: 450, select: 1 },
        text: "Five servers. S1 leads term 1 (the crown) and has committed the write x=1: an entry counts as committed once a majority, 3 of 5, stores it. The solid cells in the log rows below the ring are committed entries; the number in each is its term.",
      },
      {
        scene: { preset: "minority-cannot-commit", ms: 1500, select: 1 },
        text: "At 0.5 s the network split S1 and S2 from S3, S4 and S5. The person then sent a=1 to S1: S1 appended it and S2 copied it (the hatched cells), but 2 of 5 is not a majority, so S1's commit index does not move and the person gets no answer. The other side, three of five, elected a leader of a newer term and goes on committing.",
      },
      {
        scene: { preset: "minority-cannot-commit", ms: 3600, select: 1 },
        text: "The network healed at 2.5 s. S1 and S2 heard of the newer term, S1 stepped down, and their uncommitted entries were replaced by the majority's log; the client retried a=1 through the new leader, and it was committed once. Every log is the same again.",
      },
      {
        try: {
          scene: { config: { nodes: 5, seed: 3 }, ms: 1000 },
          ask: "Your turn: cut the leader off from the others — press Isolate leader (in Partitions), or cut its links one by one. Then press Play.",
          waiting: "Waiting for the leader to be cut off from a majority…",
          onAction(a, v, s) {
            if (!/^(partition|cut)$/.test(a.type)) return null;
            const l = s.leader;
            const peers = reachable(v, l.id);
            if ((peers.length + 1) * 2 > v.nodes.length)
              return { note: `S${l.id} can still reach ${names(peers)}: with itself that is still a majority. Cut more.` };
            s.cutOff = peers;
            return { acted: `S${l.id} can now reach only ${peers.length ? names(peers) : "no one"}. Watch the others.` };
          },
          check(v, s) {
            const fresh = leaderOf(v);
            if (!fresh || fresh.id === s.leader.id || fresh.term <= s.leader.term) return null;
            const old = node(v, s.leader.id);
            return `S${fresh.id} won term ${fresh.term}: the majority elected a new leader without S${s.leader.id} and can commit again. S${s.leader.id} ${
              old.role === "leader" ? `still believes it leads term ${old.term} (drawn as a stale leader), but it can commit nothing` : `is a ${old.role} now`
            }.`;
          },
        },
      },
    ],
  },
  {
    title: "Packets drop, nodes pause, clocks drift",
    claim:
      "“Packets drop, nodes pause for garbage collection, and clocks drift. The whole point of a consensus protocol is to let a cluster keep making progress anyway.”",
    steps: [
      {
        scene: { config: { nodes: 5, seed: 3 }, ms: 1000, then: (act, v) => act({ type: "pauseNode", node: leaderOf(v).id }), thenMs: 2000, select: 3 },
        text: "S3 led term 1. At 1 s it paused, as in a stop-the-world garbage collection: it handles nothing, its timers stand still, and the messages sent to it wait (the inspector counts 22 by 2 s). It still believes it leads term 1. The others stopped hearing heartbeats: S1, S2 and S5 stood in term 2 and split the vote, and S4 won term 3 by 1.4 s. The cluster went on without S3.",
      },
      {
        scene: {
          config: { nodes: 5, seed: 3 },
          ms: 1000,
          then: (act, v) => act({ type: "pauseNode", node: leaderOf(v).id }),
          thenMs: 2000,
          last: (act) => act({ type: "resumeNode", node: 3 }),
          select: 3,
        },
        text: "At 2 s S3 resumes and handles its 22 waiting messages at once, in the order they came, on its old beliefs: the term-2 vote requests of an election long over (it steps down to term 2, votes for S1 and refuses S2 and S5), then S4's term-3 vote request (granted, late), then S4's AppendEntries one after another. It is a follower of term 3 now, with S4's log (the Events list shows each step). Nothing it did was harmful: the terms fenced it off.",
      },
      {
        scene: { config: { nodes: 5, seed: 3 }, ms: 1000, then: (act) => act({ type: "clockRate", node: 1, rate: 3 }), thenMs: 1300, select: 1 },
        text: "Clock drift, same cluster: at 1 s S1's clock was set to run 3× fast. Its election timeout, 150–300 ms on its own clock, now lasts 50–100 ms of real time, close to the leader's 50 ms heartbeat interval plus the network's delay. At 1.20 s its timer ran out before the next heartbeat arrived, S1 stood in term 2, and at 1.22 s it won: a healthy leader, S3, was deposed (without the drift S3 still leads at 4 s). A drifting clock costs elections, never safety: no rule of Raft reads a clock.",
      },
      {
        try: {
          scene: { config: { nodes: 5, seed: 3 }, ms: 1000, select: 3 },
          ask: "Your turn: pause the leader. S3 is selected; press Pause (a GC stop-the-world), then Play. Once the others have elected a new leader, select S3 again and press Resume.",
          waiting: "Waiting for the leader to be paused…",
          onAction(a, v, s) {
            const l = s.leader;
            if (a.type === "pauseNode" && a.node === l.id)
              return { note: `S${l.id} is paused and still believes it leads term ${l.term}. Press Play; once another node leads a newer term, press Resume on S${l.id}.` };
            if (a.type !== "resumeNode" || a.node !== l.id) return null;
            const fresh = leaderOf(v);
            if (!fresh || fresh.id === l.id)
              return { note: `S${l.id} resumed before anyone else was elected, so it simply leads on. Pause it again and wait longer.` };
            return { acted: `S${l.id} runs again: it handles its waiting messages, oldest first.` };
          },
          check(v, s) {
            const old = node(v, s.leader.id);
            if (old.paused || old.role === "leader" || old.term <= s.leader.term) return null;
            const by = old.leaderHint ? `, following S${old.leaderHint}` : "";
            return `S${old.id} went through its backlog on its old beliefs and stepped down at the first message of a newer term: it is a ${old.role} of term ${old.term}${by}. The majority never waited for it.`;
          },
          playAfter: true,
        },
      },
    ],
  },
  {
    title: "Terms are the real clock",
    claim:
      "“Forget wall-clock time. In Raft, the only clock that matters is the term … Every message carries a term, and any node that sees a higher term immediately steps down.”",
    steps: [
      {
        scene: { preset: "stale-leader", ms: 1200, select: 1 },
        text: "S1 led term 1 and was cut off alone at 0.5 s. It does not know: it still believes it leads (the hollow crown marks a stale leader). The other four stopped hearing from it, and one of them won an election in term 2. No clock told anyone: the term did.",
      },
      {
        try: {
          scene: { preset: "stale-leader", ms: 1200, select: 1 },
          ask: "Your turn: send a write to the old leader. S1 is selected; press Write here (or W), then Send.",
          waiting: "Waiting for a write sent to S1…",
          onAction(a, v, s) {
            if (!/^(write|delete|read)$/.test(a.type) || a.node !== 1) return null;
            s.key = a.key;
            s.before = node(v, 1).logLength;
            return { acted: "Sent to S1. The run plays on." };
          },
          check(v, s) {
            const s1 = node(v, 1);
            if (s1.logLength <= s.before) return null;
            if (s1.role === "leader")
              return `S1 appended your request at index ${s1.logLength}, in its stale term ${s1.term}. Its commit index stays at ${s1.commitIndex}: it cannot reach a majority, so the entry can never be committed, and the person gets no answer from it.`;
            return `S1 had already stepped down (term ${s1.term}): the request went to the current leader instead.`;
          },
          playAfter: true,
        },
      },
      {
        scene: { preset: "stale-leader", ms: 2000, select: 1, find: "rejection-to-1" },
        text: "At 2 s the network heals. S1 still sends heartbeats of term 1; the others answer with a rejection (the hollow square, selected) that carries the current term. A request from a stale term is refused, whatever any clock says.",
      },
      {
        scene: { preset: "stale-leader", ms: 2400, select: 1 },
        text: "S1 saw the higher term and stepped down at once: a follower of the current term. Its entry y=2 of term 1 was never committed; the new leader's log replaced it, and the person's write was retried through the new leader.",
      },
    ],
  },
  {
    title: "“Wrote it locally” is not “committed”",
    claim:
      "“The subtlest bug I've shipped came from conflating ‘the leader wrote it locally’ with ‘the entry is committed.’ An entry is committed only once it's durably stored on a majority of the cluster.”",
    steps: [
      {
        scene: { config: { nodes: 5, seed: 3 }, ms: 1000, then: isolateAndWrite, thenMs: 1400, select: 3 },
        text: "The rule intact. At 1 s S3, the leader of term 1, was cut off from the other four, and the person sent it x=1. S3 wrote it locally (index 2, hatched: not committed), but it can reach no majority: its commit index stays at 1 and the person has no answer yet.",
      },
      {
        scene: { config: { nodes: 5, seed: 3, bugs: ["ack-before-commit"] }, ms: 1000, then: isolateAndWrite, thenMs: 1100, select: 3 },
        text: "The same, with the rule broken (ack-before-commit; the badge at the top names it): a leader answers as soon as it has appended the entry. At 1.1 s the person already has “ok” for x=1, which sits in S3's log alone, uncommitted.",
      },
      {
        scene: {
          config: { nodes: 5, seed: 3, bugs: ["ack-before-commit"] },
          ms: 1000,
          then: (act, v) => {
            isolateAndWrite(act, v);
            store.pg.runUntil(1400);
            act({ type: "heal" });
          },
          thenMs: 1700,
          select: 3,
        },
        text: "The four others elected S2 in term 2, and at 1.18 s S2 committed its term-2 no-op at index 2, the very slot where x=1 sits on S3 alone: the checker turns red (Acknowledged writes are durable). At 1.4 s the network healed; S3 saw term 2, stepped down, and its x=1 was overwritten by the no-op. The person holds an “ok” for a write that no node has.",
      },
      {
        try: {
          scene: { config: { nodes: 5, seed: 3 }, ms: 1000, select: 3 },
          ask: "Your turn: lose a write. Tick ack-before-commit (Broken rules), press Isolate leader (in Partitions), send a write to S3 (it is selected: Write here, then Send), and press Play.",
          waiting: "Waiting for a write to the isolated leader, with the rule broken…",
          onAction(a, v, s) {
            const l = s.leader;
            if (a.type === "bug" && a.name === "ack-before-commit") {
              s.broken = a.on;
              return a.on ? { note: "The rule is broken. Now cut S3 off and write to it." } : { note: "That switched it off; tick it on." };
            }
            if (!/^(write|delete)$/.test(a.type) || a.node !== l.id) return null;
            if (!s.broken) return { note: `That write went in with the rule intact: S${l.id} will not answer it before it is committed. Tick ack-before-commit and write again.` };
            if (!isolated(v, l.id)) return { note: `S${l.id} can still reach a majority, so this write will be committed properly. Cut it off (Isolate leader) and write again.` };
            return { acted: `S${l.id} appended your write and answered at once, alone. The run plays on.` };
          },
          check(v) {
            const bad = v.violations.find((x) => /Acknowledged|Linearizab/.test(x.property));
            if (!bad) return null;
            return `The checker caught it: ${bad.property} — ${bad.explanation}`;
          },
          playAfter: true,
        },
      },
    ],
  },
  {
    title: "Only current-term entries commit by counting",
    claim:
      "“A leader may only mark entries from its own term as committed by counting replicas. Skip that rule and you can lose an acknowledged write during a leader change.”",
    steps: [
      {
        scene: { preset: "figure-8-broken", ms: 330, select: 1 },
        text: "The Raft paper's Figure 8, with the rule broken (commit-old-term on; the badge at the top says so). S1 leads term 4 and has copied x=1, an entry of term 2, to S2 and S3: a majority. Counting replicas, S1 marks index 2 committed and acknowledges the write.",
      },
      {
        scene: { preset: "figure-8-broken", ms: 1200, select: 5 },
        text: "Then S1 crashed. S5 won term 5 (its last entry, of term 3, is newer than the term-2 entry S3 and S4 hold) and overwrote index 2 everywhere with its own entry. The acknowledged write is gone, and the checker says so.",
      },
      {
        scene: { preset: "figure-8", ms: 330, select: 1 },
        text: "The same script with the rule intact. At the same moment index 2 is on a majority, but it is from term 2, not S1's term 4: S1 does not count it, so nothing is committed and nothing is acknowledged.",
      },
      {
        scene: { preset: "figure-8", ms: 1200, select: 5 },
        text: "S5 overwrites index 2 just the same, and that is safe: it was never committed. The person's write timed out and was retried through S5, which committed it in term 5. The checker stays green.",
      },
      {
        try: {
          scene: { preset: "figure-8", ms: 0, select: 1 },
          ask: "Your turn: break the rule. Open Broken rules (in the side panel), tick commit-old-term, then press Play.",
          waiting: "Waiting for commit-old-term to be switched on…",
          onAction(a) {
            if (a.type !== "bug" || a.name !== "commit-old-term") return null;
            if (!a.on) return { note: "That switched it off; tick it on." };
            return { acted: "The rule is broken: Figure 8 starts again with it. The run plays on." };
          },
          // Acting in a preset with actions still ahead forks a branch without
          // them (the timeline), which would cut Figure 8's script off: the
          // tour replays the preset with the rule broken from the start instead.
          replay: { preset: "figure-8-broken", ms: 0, select: 1 },
          check(v) {
            const bad = v.violations[0];
            if (!bad) return null;
            return `The checker caught it: ${bad.property} — ${bad.explanation}`;
          },
          playAfter: true,
        },
      },
    ],
  },
  {
    title: "A replicated log, not a replicated database",
    claim:
      "“Consensus buys you a replicated log, not a replicated database. The state machine on top is your problem.”",
    steps: [
      {
        scene: { preset: "state-machines", ms: 1000, select: 5 },
        text: "Raft agrees on a log. Each node runs its own key-value store (State machines, under the logs) and applies the committed entries to it in log order. S5 is down: its store is gone; only its term, vote and log were on disk.",
      },
      {
        scene: { preset: "state-machines", ms: 2600, select: 5 },
        text: "S5 restarted with an empty store. It learned the commit point from the leader, caught up on the log and re-applied it in the same order: the same keys with the same values as every other node.",
      },
      {
        try: {
          scene: {
            config: { nodes: 5, seed: 9 },
            ms: 1000,
            then: (act, v) => {
              act({ type: "write", key: "x", value: "1", node: leaderOf(v)?.id });
              act({ type: "write", key: "y", value: "2", node: leaderOf(v)?.id });
            },
            thenMs: 1400,
            last: (act) => act({ type: "crash", node: 5 }),
            select: 5,
          },
          ask: "Your turn: S5 is down. Write a key or two (the Client form, or press C), then restart S5 (it is selected: Restart, or X) and press Play.",
          waiting: "Waiting for S5 to be restarted…",
          onAction(a) {
            if (a.type !== "restart" || a.node !== 5) return null;
            return { acted: "S5 is back, with an empty state machine. The run plays on." };
          },
          check(v) {
            const s5 = node(v, 5);
            const l = leaderOf(v);
            const busy = v.clients[0]?.pending || v.clients[0]?.queued; // the person's writes still on their way
            if (!l || busy || s5.crashed || s5.lastApplied < l.commitIndex || JSON.stringify(s5.kv) !== JSON.stringify(l.kv)) return null;
            return `S5 replayed the log and holds exactly what every node holds: ${kvText(s5.kv)}. The log is what Raft replicates; each store is rebuilt from it.`;
          },
          playAfter: true,
        },
      },
    ],
  },
];

export class Tour {
  /** `page`: { act, onAction, setPlaying, redraw }. */
  constructor(page) {
    this.page = page;
    this.root = $("tour");
    this.chapter = -1;
    this.step = 0;
    this.busy = false; // while the tour sets a scene, its own actions are not the person's
    page.onAction((a) => this.onAction(a));
  }

  /** Opens the chapter a `#tour` / `#tour=N` fragment names; false when there is none. */
  fromLocation() {
    const m = /^#tour(?:=(\d+))?$/.exec(location.hash);
    if (!m) {
      if (this.chapter >= 0) this.close(false);
      return false;
    }
    const n = Math.min(CHAPTERS.length, Math.max(1, +(m[1] ?? 1)));
    this.open(n - 1, 0);
    return true;
  }

  open(chapter, step) {
    this.chapter = chapter;
    this.step = step;
    document.body.classList.add("touring");
    const frag = `#tour=${chapter + 1}`;
    if (location.hash !== frag) history.replaceState(null, "", frag);
    this.show();
  }

  close(clearHash = true) {
    this.chapter = -1;
    this.trying = null;
    this.root.hidden = true;
    this.root.replaceChildren();
    document.body.classList.remove("touring");
    if (clearHash) history.replaceState(null, "", location.pathname + location.search);
  }

  next() {
    const ch = CHAPTERS[this.chapter];
    if (this.step + 1 < ch.steps.length) this.open(this.chapter, this.step + 1);
    else if (this.chapter + 1 < CHAPTERS.length) this.open(this.chapter + 1, 0);
    else this.close();
  }

  back() {
    if (this.step > 0) this.open(this.chapter, this.step - 1);
    else if (this.chapter > 0) this.open(this.chapter - 1, CHAPTERS[this.chapter - 1].steps.length - 1);
  }

  /** Sets the scene of the current step, then draws the panel. */
  show() {
    const ch = CHAPTERS[this.chapter];
    const st = ch.steps[this.step];
    const trial = st.try;
    this.trying = null;
    this.busy = true;
    try {
      this.setScene(trial ? trial.scene : st.scene);
    } finally {
      this.busy = false;
    }
    if (trial) {
      const v = store.pg.view(0);
      this.trying = { trial, state: { leader: leaderOf(v) }, phase: "waiting", said: trial.waiting };
    }
    this.draw();
  }

  /** A preset (or a fresh cluster) run to `ms`, paused, with a node selected. */
  setScene(sc) {
    const { act } = this.page;
    if (sc.preset) act({ type: "load", link: { preset: sc.preset } });
    else act({ type: "reset", config: sc.config });
    this.page.setPlaying(false);
    const pg = store.pg;
    if (sc.ms > pg.now()) pg.runUntil(sc.ms);
    if (sc.then) {
      sc.then(act, pg.view(0));
      pg.runUntil(sc.thenMs);
    }
    sc.last?.(act);
    store.selection = sc.select ? { kind: "node", id: sc.select } : null;
    if (sc.find === "rejection-to-1") this.findRejection(1, sc.ms + 1000);
    this.page.redraw();
  }

  /** Steps until a rejected reply to node `to` is in flight, and selects it. */
  findRejection(to, limit) {
    const pg = store.pg;
    const kinds = store.wasm.MessageKind;
    for (let i = 0; i < 20000 && pg.now() < limit; i++) {
      const packed = pg.messages();
      for (let j = 0; j < packed.length; j += 7) {
        if (packed[j + 2] === to && packed[j + 4] === 0 && /Reply$/.test(kinds[packed[j + 3]])) {
          store.selection = { kind: "msg", id: packed[j] };
          return;
        }
      }
      pg.step();
    }
  }

  /** The person did something: is it what the try-it step waits for? */
  onAction(a) {
    if (this.busy || this.chapter < 0) return;
    // The person opened another scenario or cluster: the tour's scene is gone.
    if (a.type === "load" || a.type === "reset") return this.close();
    const t = this.trying;
    if (!t || t.phase === "done") return;
    const v = store.pg.view(0);
    const r = t.trial.onAction(a, v, t.state);
    if (!r) return;
    if (r.note) t.said = r.note;
    else {
      t.phase = "acted";
      t.said = r.acted;
      if (t.trial.replay) {
        this.busy = true;
        try {
          this.setScene(t.trial.replay);
        } finally {
          this.busy = false;
        }
      }
      if (t.trial.playAfter) this.page.setPlaying(true);
    }
    this.draw();
  }

  /** Every drawn frame: once the person acted, has the outcome shown yet? */
  onFrame() {
    const t = this.trying;
    if (!t || t.phase !== "acted") return;
    const outcome = t.trial.check(store.pg.view(0), t.state);
    if (!outcome) return;
    t.phase = "done";
    t.said = outcome;
    this.draw();
  }

  draw() {
    const ch = CHAPTERS[this.chapter];
    const st = ch.steps[this.step];
    const root = this.root;
    // Keep the focus on the tour's button that was pressed (Next, Back).
    const focused = root.contains(document.activeElement) ? document.activeElement.id : "";
    root.hidden = false;
    root.replaceChildren();
    const nav = html("nav", { class: "tour-chapters", "aria-label": "Tour chapters" }, root);
    html("span", { class: "muted" }, nav).textContent = "Guided tour:";
    CHAPTERS.forEach((c, i) => {
      const a = html("a", { href: `#tour=${i + 1}` }, nav);
      a.textContent = `${i + 1}. ${c.title}`;
      if (i === this.chapter) a.setAttribute("aria-current", "step");
    });
    const body = html("div", { class: "tour-body" }, root);
    html("h2", { id: "tour-title" }, body).textContent = `${this.chapter + 1}. ${ch.title}`;
    if (this.step === 0) html("p", { class: "tour-text tour-claim" }, body).textContent = ch.claim;
    const t = this.trying;
    if (t) {
      const box = html("p", { id: "tour-try", class: `tour-try${t.phase === "done" ? " done" : ""}`, "data-phase": t.phase }, body);
      html("strong", null, box).textContent = "Try it. ";
      html("span", null, box).textContent = t.trial.ask;
      const said = html("span", { id: "tour-state", class: "state", role: "status" }, box);
      said.textContent = (t.phase === "done" ? "✓ " : "") + t.said;
    } else html("p", { id: "tour-text", class: "tour-text" }, body).textContent = st.text;
    const navb = html("div", { class: "tour-nav" }, root);
    html("span", { class: "where" }, navb).textContent = `Step ${this.step + 1} of ${ch.steps.length}`;
    const back = html("button", { id: "tour-back" }, navb);
    back.textContent = "Back";
    back.disabled = this.chapter === 0 && this.step === 0;
    back.onclick = () => this.back();
    const last = this.chapter === CHAPTERS.length - 1 && this.step === ch.steps.length - 1;
    const next = html("button", { id: "tour-next", class: "primary" }, navb);
    next.textContent = last ? "Finish" : this.step === ch.steps.length - 1 ? "Next chapter" : "Next";
    next.onclick = () => this.next();
    const close = html("button", { id: "tour-close", "aria-label": "Close the tour" }, navb);
    close.textContent = "×";
    close.onclick = () => this.close();
    if (focused) $(focused)?.focus();
  }
}
