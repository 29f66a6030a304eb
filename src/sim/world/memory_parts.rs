//! Memory accounting: a world taken apart into its big pieces, each named, so
//! that a benchmark with a counting allocator can drop them one at a time and
//! see what each held (`examples/memory_hour.rs`). A run never calls it.

use super::World;
use crate::check::MemoryParts;

impl World {
    /// The nodes' disks and state machines, the observers' pieces (the
    /// checker's among them), then the rest.
    pub fn into_memory_parts(self) -> MemoryParts {
        let World {
            config,
            initial_config,
            now: _,
            queue,
            servers,
            network,
            clients,
            observers,
            applied_actions,
            scripted,
        } = self;
        let mut disks = Vec::new();
        let mut machines = Vec::new();
        let mut volatile = Vec::new();
        for mut server in servers.into_list() {
            disks.push(std::mem::take(&mut server.disk));
            machines.push(std::mem::take(&mut server.kv));
            volatile.push(server);
        }
        let mut parts: MemoryParts = vec![
            ("nodes: logs on disk (with snapshots)", Box::new(disks)),
            ("nodes: state machines (kv)", Box::new(machines)),
            ("nodes: volatile state", Box::new(volatile)),
        ];
        parts.extend(observers.into_memory_parts());
        parts.push(("event queue and network", Box::new((queue, network))));
        let rest = (config, initial_config, clients, applied_actions, scripted);
        parts.push(("world: the rest", Box::new(rest)));
        parts
    }
}
