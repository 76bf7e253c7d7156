//! `nodeinfo`: the host's processors and memory.

use serde::Serialize;
use virtsh_commands::host::Nodeinfo;

use crate::commands::prelude::*;

impl Run for Nodeinfo {
    fn run(&self, s: &mut Session) -> Result<Outcome, CmdError> {
        let n = s.conn()?.host().node_info()?;
        Ok(Outcome::data(NodeView {
            cpu_model: n.model,
            cpus: n.cpus,
            cpu_mhz: n.mhz,
            cpu_sockets: n.sockets,
            cores_per_socket: n.cores,
            threads_per_core: n.threads,
            numa_cells: n.nodes,
            memory_kib: n.memory_kib,
        }))
    }
}

#[derive(Debug, Serialize)]
struct NodeView {
    cpu_model: String,
    cpus: u32,
    cpu_mhz: u32,
    cpu_sockets: u32,
    cores_per_socket: u32,
    threads_per_core: u32,
    numa_cells: u32,
    memory_kib: u64,
}

impl TextView for NodeView {
    fn text(&self, _: bool) -> String {
        [
            ("CPU model:", self.cpu_model.clone()),
            ("CPU(s):", self.cpus.to_string()),
            ("CPU frequency:", format!("{} MHz", self.cpu_mhz)),
            ("CPU socket(s):", self.cpu_sockets.to_string()),
            ("Core(s) per socket:", self.cores_per_socket.to_string()),
            ("Thread(s) per core:", self.threads_per_core.to_string()),
            ("NUMA cell(s):", self.numa_cells.to_string()),
            ("Memory size:", format!("{} KiB", self.memory_kib)),
        ]
        .iter()
        .map(|(label, value)| format!("{label:<20} {value}\n"))
        .collect()
    }
}
