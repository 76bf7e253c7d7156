//! A running domain's block layer over QMP, as snapshots and checkpoints need it: which node
//! each disk's image is (`query-block`; virtsh's `-drive`s are named `driveN` in disk order),
//! what each node holds (`query-named-block-nodes`: internal snapshots, dirty bitmaps), and
//! QEMU's jobs (`snapshot-save`, `snapshot-load`, `snapshot-delete`), waited for with
//! `query-jobs` and dismissed with `job-dismiss`, as libvirt does.

use std::time::Duration;

use serde_json::{json, Value};

use crate::driver::qemu::qmp::Qmp;
use crate::error::{Error, Result};

pub use crate::driver::qemu::qmp::qmp_failed;

/// The image a disk's device reads: its top node.
#[derive(Debug, Clone)]
pub struct DiskNode {
    /// The disk's index in the domain's disk order.
    pub index: usize,
    pub node: String,
    pub file: String,
}

/// The top node of every disk with a medium, by disk index.
pub fn disk_nodes(qmp: &mut Qmp) -> Result<Vec<DiskNode>> {
    let blocks = qmp.execute("query-block", None).map_err(qmp_failed)?;
    Ok(blocks
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|b| {
            let index = b["device"].as_str()?.strip_prefix("drive")?.parse().ok()?;
            let inserted = b.get("inserted")?;
            Some(DiskNode {
                index,
                node: inserted["node-name"].as_str()?.to_string(),
                file: inserted["file"].as_str().unwrap_or_default().to_string(),
            })
        })
        .collect())
}

/// The node of disk `index`.
pub fn node_of(nodes: &[DiskNode], index: usize) -> Option<&DiskNode> {
    nodes.iter().find(|n| n.index == index)
}

/// Every named node, flat.
pub fn named_nodes(qmp: &mut Qmp) -> Result<Vec<Value>> {
    let nodes = qmp
        .execute("query-named-block-nodes", Some(json!({"flat": true})))
        .map_err(qmp_failed)?;
    Ok(nodes.as_array().cloned().unwrap_or_default())
}

fn node<'a>(nodes: &'a [Value], name: &str) -> Option<&'a Value> {
    nodes.iter().find(|n| n["node-name"] == name)
}

/// Whether node `name`'s image has the internal snapshot `tag`, and if so whether it holds
/// the VM state.
pub fn snapshot_in(nodes: &[Value], name: &str, tag: &str) -> Option<bool> {
    node(nodes, name)?["image"]["snapshots"]
        .as_array()?
        .iter()
        .find(|s| s["name"] == tag)
        .map(|s| s["vm-state-size"].as_u64().unwrap_or(0) > 0)
}

/// The nodes (the top first, then down the backing chain) that hold bitmap `bitmap`.
pub fn bitmap_nodes(nodes: &[Value], top: &str, bitmap: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut at = node(nodes, top);
    let mut depth = 0;
    while let Some(n) = at {
        let has = n["dirty-bitmaps"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|b| b["name"] == bitmap);
        if has {
            found.push(n["node-name"].as_str().unwrap_or_default().to_string());
        }
        // The backing image's format node: the one whose file is the backing file name.
        let backing = n["image"]["backing-image"]["filename"].as_str();
        at = backing.and_then(|f| {
            nodes
                .iter()
                .find(|m| m["file"] == f && m["drv"] != "file" && m["node-name"] != n["node-name"])
        });
        depth += 1;
        if depth > 64 {
            break;
        }
    }
    found
}

/// The number of dirty bytes bitmap `bitmap` of node `name` counts.
pub fn bitmap_count(nodes: &[Value], name: &str, bitmap: &str) -> Option<u64> {
    node(nodes, name)?["dirty-bitmaps"]
        .as_array()?
        .iter()
        .find(|b| b["name"] == bitmap)?["count"]
        .as_u64()
}

/// The state QEMU reports of job `id`, and its error.
fn job(qmp: &mut Qmp, id: &str) -> Result<Option<(String, Option<String>)>> {
    let jobs = qmp.execute("query-jobs", None).map_err(qmp_failed)?;
    Ok(jobs.as_array().into_iter().flatten().find_map(|j| {
        (j["id"] == id).then(|| {
            (
                j["status"].as_str().unwrap_or_default().to_string(),
                j["error"].as_str().map(String::from),
            )
        })
    }))
}

/// Waits for job `id` to conclude and dismisses it: its error, if it failed. A job that is
/// not there is done already.
pub fn finish_job(qmp: &mut Qmp, id: &str) -> Result<Option<String>> {
    loop {
        match job(qmp, id)? {
            None => return Ok(None),
            Some((status, error)) if status == "concluded" => {
                qmp.execute("job-dismiss", Some(json!({ "id": id })))
                    .map_err(qmp_failed)?;
                return Ok(error);
            }
            // An active commit waits to be told to pivot.
            Some((status, _)) if status == "ready" => {
                // A second request while it pivots is refused, harmlessly.
                let _ = qmp.execute("job-complete", Some(json!({ "id": id })));
                std::thread::sleep(Duration::from_millis(1));
            }
            Some(_) => std::thread::sleep(Duration::from_millis(1)),
        }
    }
}

/// Every job a killed operation may have left behind: waited for and dismissed.
pub fn settle_jobs(qmp: &mut Qmp) -> Result<()> {
    let jobs = qmp.execute("query-jobs", None).map_err(qmp_failed)?;
    let ids: Vec<String> = jobs
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|j| j["id"].as_str().map(String::from))
        .collect();
    for id in ids {
        finish_job(qmp, &id)?;
    }
    Ok(())
}

/// Runs a snapshot job (`snapshot-save`, `snapshot-load`, `snapshot-delete`) to its end;
/// `failed` words its error.
pub fn run_job(
    qmp: &mut Qmp,
    command: &str,
    args: Value,
    failed: impl FnOnce(&str) -> Error,
) -> Result<()> {
    let id = args["job-id"].as_str().unwrap_or_default().to_string();
    // A job of that name a killed virtsh left behind is finished first.
    finish_job(qmp, &id)?;
    qmp.execute(command, Some(args)).map_err(qmp_failed)?;
    match finish_job(qmp, &id)? {
        Some(error) => Err(failed(&error)),
        None => Ok(()),
    }
}

/// One QMP `transaction` of `actions`.
pub fn transaction(qmp: &mut Qmp, actions: Vec<Value>) -> Result<()> {
    if actions.is_empty() {
        return Ok(());
    }
    qmp.execute("transaction", Some(json!({ "actions": actions })))
        .map(drop)
        .map_err(qmp_failed)
}
