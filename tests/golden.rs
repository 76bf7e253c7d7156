//! The golden suite: every case of `tests/golden/cases.txt` was run through the real virsh
//! (`tests/golden/capture.sh`); virtsh must print the same stdout and stderr, byte for byte,
//! and exit with the same status. Normalised first, in both: the `CPU time:` value (the test
//! driver reports the wall clock), `-t` timings and the host name of the capturing machine.

use std::path::{Path, PathBuf};
use std::process::Command;

fn golden_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden")
}

fn normalise(text: &str, captured_host: &str, host: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        if line.starts_with("CPU time:") {
            out.push_str("CPU time:       <t>\n");
        } else if line.starts_with("(Time: ") {
            out.push_str("(Time: <t> ms)\n");
        } else if line.trim_end() == captured_host {
            out.push_str(&line.replacen(captured_host, host, 1));
        } else {
            out.push_str(line);
        }
    }
    out
}

#[test]
fn golden_cases_match_virsh() {
    let dir = golden_dir();
    let captured_host = std::fs::read_to_string(dir.join("hostname.txt")).unwrap();
    let captured_host = captured_host.trim();
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname").unwrap();
    let host = host.trim();
    let mut cases: Vec<PathBuf> = std::fs::read_dir(dir.join("cases"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "args"))
        .collect();
    cases.sort();
    assert!(cases.len() >= 80, "only {} golden cases", cases.len());
    let mut failures = Vec::new();
    for case in &cases {
        let name = case.file_stem().unwrap().to_string_lossy().into_owned();
        let raw = std::fs::read(case).unwrap();
        let raw = raw.strip_suffix(b"\0").unwrap_or(&raw);
        let args: Vec<String> = raw
            .split(|b| *b == 0)
            .map(|a| String::from_utf8(a.to_vec()).unwrap())
            .collect();
        let out = Command::new(env!("CARGO_BIN_EXE_virtsh"))
            .args(&args)
            .current_dir(dir.join("data"))
            .env_clear()
            .env("LANG", "C")
            .env("PATH", "/usr/bin:/bin")
            .env("HOME", "/nonexistent")
            .output()
            .unwrap();
        let read = |ext: &str| std::fs::read_to_string(case.with_extension(ext)).unwrap();
        let want_out = normalise(&read("out"), captured_host, host);
        let want_err = normalise(&read("err"), captured_host, host);
        let want_rc: i32 = read("rc").trim().parse().unwrap();
        let got_out = normalise(&String::from_utf8_lossy(&out.stdout), captured_host, host);
        let got_err = normalise(&String::from_utf8_lossy(&out.stderr), captured_host, host);
        let got_rc = out.status.code().unwrap_or(-1);
        let mut why = Vec::new();
        if got_out != want_out {
            why.push(format!(
                "stdout:\n--- virsh\n{want_out}--- virtsh\n{got_out}"
            ));
        }
        if got_err != want_err {
            why.push(format!(
                "stderr:\n--- virsh\n{want_err}--- virtsh\n{got_err}"
            ));
        }
        if got_rc != want_rc {
            why.push(format!("exit status: virsh {want_rc}, virtsh {got_rc}"));
        }
        if !why.is_empty() {
            failures.push(format!("== {name} ({args:?})\n{}", why.join("\n")));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} golden cases differ:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}
