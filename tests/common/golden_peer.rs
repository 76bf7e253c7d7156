//! The golden cases replayed on another URI by both the real virsh and virtsh: what each
//! prints (timings masked) and its exit status must be the same.

use std::path::{Path, PathBuf};
use std::process::Output;

pub fn golden_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden")
}

fn normalise(text: &[u8]) -> String {
    String::from_utf8_lossy(text)
        .lines()
        .map(|l| {
            if l.starts_with("CPU time:") {
                "CPU time: <t>"
            } else if l.starts_with("(Time: ") {
                "(Time: <t>)"
            } else {
                l
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Runs every golden case with `uri` in place of `test:///default` through `run(program,
/// args)` for `virsh` and for virtsh; asserts that no case differs.
pub fn assert_same_over(uri: &str, run: impl Fn(&str, &[String]) -> Output) {
    let mut cases: Vec<PathBuf> = std::fs::read_dir(golden_dir().join("cases"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "args"))
        .collect();
    cases.sort();
    let mut failures = Vec::new();
    for case in &cases {
        let raw = std::fs::read(case).unwrap();
        let raw = raw.strip_suffix(b"\0").unwrap_or(&raw);
        let args: Vec<String> = raw
            .split(|b| *b == 0)
            .map(|a| String::from_utf8(a.to_vec()).unwrap())
            .map(|a| {
                if a == "test:///default" {
                    uri.to_string()
                } else {
                    a
                }
            })
            .collect();
        let virsh = run("virsh", &args);
        let ours = run(env!("CARGO_BIN_EXE_virtsh"), &args);
        let name = case.file_stem().unwrap().to_string_lossy().into_owned();
        for (what, a, b) in [
            ("stdout", normalise(&virsh.stdout), normalise(&ours.stdout)),
            ("stderr", normalise(&virsh.stderr), normalise(&ours.stderr)),
        ] {
            if a != b {
                failures.push(format!("== {name} {what}\n--- virsh\n{a}\n--- virtsh\n{b}"));
            }
        }
        if virsh.status.code() != ours.status.code() {
            failures.push(format!(
                "== {name}: exit {:?} vs {:?}",
                virsh.status.code(),
                ours.status.code()
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} differences over {uri}:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
