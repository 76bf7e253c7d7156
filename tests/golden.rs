//! The golden suite, one test per case: every case `tests/golden/cases/NAME.case` was run
//! through the real virsh (`tests/golden/capture.sh`); virtsh must print the same stdout and
//! stderr, byte for byte, and exit with the same status (`virtsh::NAME`). And the stored case
//! must still be what the installed virsh prints (`virsh::NAME`), so a virsh that changed
//! shows up as a stale case, not as a virtsh failure. Both compare through one normaliser
//! (`tests/common/golden.rs`). `cargo test --test golden -- --list` lists them;
//! `cargo test --test golden -- virtsh::list-all` runs one.

mod common;

use common::golden::{golden_dir, mask_clock, run_case, shell_words, Case};
use libtest_mimic::{Arguments, Failed, Trial};

fn this_host() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .unwrap()
        .trim()
        .to_string()
}

fn captured_host(dir: &std::path::Path) -> String {
    std::fs::read_to_string(dir.join("hostname.txt"))
        .unwrap()
        .trim()
        .to_string()
}

/// Checks `case` against what `program` prints now, run in a directory of its own.
fn compare(case: &Case, hosts: (&str, &str), program: &str) -> Result<(), Failed> {
    let (dir, got) = run_case(program, &case.args, |_| {});
    let why = case.differences(&got, hosts, ("", dir.shown()));
    if why.is_empty() {
        return Ok(());
    }
    Err(format!("{:?}\n{}", case.args, why.join("\n")).into())
}

fn virsh_installed() -> Result<(), Failed> {
    let virsh = std::process::Command::new("virsh")
        .arg("--version")
        .output();
    if virsh.is_ok_and(|o| o.status.success()) {
        return Ok(());
    }
    Err(
        "no virsh to check the golden cases against: run scripts/setup-test-env.sh (as root)"
            .into(),
    )
}

fn main() {
    let args = Arguments::from_args();
    let dir = golden_dir();
    let cases = Case::load_all(&dir.join("cases"));
    assert!(cases.len() >= 200, "only {} golden cases", cases.len());
    let hosts = (captured_host(&dir), this_host());
    let mut trials = vec![Trial::test(
        "case_commands_split_as_a_shell_splits_them",
        || {
            let words = shell_words(r#"virsh -c x 'a b; c' "d \"e\"" f\ g '' $'h\001\ti'"#);
            if words
                != [
                    "virsh",
                    "-c",
                    "x",
                    "a b; c",
                    "d \"e\"",
                    "f g",
                    "",
                    "h\u{1}\ti",
                ]
            {
                return Err(format!("{words:?}").into());
            }
            Ok(())
        },
    )];
    trials.push(Trial::test("clock_readings_are_masked", || {
        let masked = [
            (
                "Domain snapshot 1796616629 created",
                "Domain snapshot <clock> created",
            ),
            (
                "  <creationTime>1796616629</creationTime>",
                "  <creationTime><clock></creationTime>",
            ),
            (
                "  <creationTime>1234567890</creationTime>",
                "  <creationTime>1234567890</creationTime>",
            ),
            (
                " s1     2026-12-07 04:24:20 +0000   running",
                " s1     <clock>   running",
            ),
            (
                " r1     2009-02-13 23:31:30 +0000   running",
                " r1     2009-02-13 23:31:30 +0000   running",
            ),
            (
                "    <capacity unit='bytes'>1610612736</capacity>",
                "    <capacity unit='bytes'>1610612736</capacity>",
            ),
        ];
        for (line, want) in masked {
            let got = mask_clock(line);
            if got != want {
                return Err(format!("{line:?} masked as {got:?}").into());
            }
        }
        Ok(())
    }));
    for case in cases {
        let (ours, theirs) = (case.clone(), case.clone());
        let (h1, h2) = (hosts.clone(), hosts.clone());
        trials.push(Trial::test(format!("virtsh::{}", case.name), move || {
            compare(&ours, (&h1.0, &h1.1), env!("CARGO_BIN_EXE_virtsh")).map_err(|e| {
                format!(
                    "virtsh differs from the golden case: {}",
                    e.message().unwrap_or_default()
                )
                .into()
            })
        }));
        trials.push(Trial::test(format!("virsh::{}", case.name), move || {
            virsh_installed()?;
            compare(&theirs, (&h2.0, &h2.1), "virsh").map_err(|e| {
                format!(
                    "the stored case is stale (recapture with tests/golden/capture.sh virsh '' {}): {}",
                    theirs.name,
                    e.message().unwrap_or_default()
                )
                .into()
            })
        }));
    }
    libtest_mimic::run(&args, trials).exit();
}
