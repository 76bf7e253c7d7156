//! `completions/` and `man/` are generated from the command model; this test fails when the
//! checked-in files are stale. Regenerate them with:
//!
//!     UPDATE_GENERATED=1 cargo test --test it generated

use std::path::Path;
use std::process::Command;

use virtsh_commands::generate::{man_page, registration};

fn generated() -> Vec<(&'static str, String)> {
    vec![
        ("completions/virtsh.bash", registration("bash").unwrap()),
        ("completions/virtsh.zsh", registration("zsh").unwrap()),
        ("completions/virtsh.fish", registration("fish").unwrap()),
        ("man/virtsh.1", man_page()),
    ]
}

#[test]
fn completions_and_man_page_are_current() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let update = std::env::var_os("UPDATE_GENERATED").is_some();
    let mut stale = Vec::new();
    for (path, text) in generated() {
        let file = root.join(path);
        if update {
            std::fs::create_dir_all(file.parent().unwrap()).unwrap();
            std::fs::write(&file, &text).unwrap();
        } else if std::fs::read_to_string(&file).ok().as_deref() != Some(text.as_str()) {
            stale.push(path);
        }
    }
    assert!(
        stale.is_empty(),
        "stale generated files {stale:?}: run UPDATE_GENERATED=1 cargo test --test it generated"
    );
}

/// Sourcing the bash script registers a completion that offers commands and, through the
/// hidden entry point, live domain names.
#[test]
fn bash_completion_offers_commands_and_live_names() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_virtsh")).parent().unwrap();
    let complete = |words: &str, cword: usize| -> Vec<String> {
        let script = format!(
            "source {}/completions/virtsh.bash; COMP_WORDS=({words}); COMP_CWORD={cword}; \
             COMP_LINE=\"${{COMP_WORDS[*]}}\"; COMP_POINT=${{#COMP_LINE}}; COMP_TYPE=9; \
             _clap_complete_virtsh virtsh \"${{COMP_WORDS[COMP_CWORD]}}\"; printf '%s\\n' \"${{COMPREPLY[@]}}\"",
            root.display()
        );
        let out = Command::new("bash")
            .arg("-c")
            .arg(script)
            .env("PATH", format!("{}:/usr/bin:/bin", bin_dir.display()))
            .output()
            .expect("bash runs");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .map(|l| l.trim().to_string())
            .collect()
    };
    let commands = complete("virtsh domi", 1);
    assert!(commands.contains(&"dominfo".to_string()), "{commands:?}");
    let names = complete("virtsh -c test:///default dominfo te", 4);
    assert_eq!(names, vec!["test"]);
    let pools = complete("virtsh -c test:///default pool-info def", 4);
    assert_eq!(pools, vec!["default-pool"]);
}

/// `man -l man/virtsh.1` renders, and documents every command.
#[test]
fn man_page_documents_every_command() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = Command::new("man")
        .args(["-l", "-P", "cat"])
        .arg(root.join("man/virtsh.1"))
        .env("MANWIDTH", "200")
        .output()
        .expect("man (man-db) is installed by scripts/setup-test-env.sh");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    for def in virtsh_commands::COMMANDS {
        if !(def.command)().is_hide_set() {
            assert!(text.contains(def.name), "man page lacks {}", def.name);
        }
    }
    for section in [
        "OPTIONS",
        "COMMANDS",
        "URIS",
        "ENVIRONMENT",
        "FILES",
        "EXIT STATUS",
    ] {
        assert!(text.contains(section), "man page lacks {section}");
    }
}
