//! The interactive shell in a real pseudo-terminal: prompt, TAB completion of a command, an
//! option and a live domain name, history across a restart, Ctrl-C and Ctrl-D, the read-only
//! prompt, and an edit round trip with a scripted `$EDITOR`.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use expectrl::{ControlCode, Eof, Expect, Session};

struct Shell {
    session: expectrl::session::OsSession,
}

fn shell(args: &[&str], cache: &Path, extra_env: &[(&str, String)]) -> Shell {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_virtsh"));
    cmd.args(args)
        .env_clear()
        .env("LANG", "C")
        .env("TERM", "xterm")
        .env("HOME", cache)
        .env("XDG_CACHE_HOME", cache);
    for (k, v) in extra_env {
        cmd.env(k, v);
    }
    let mut session = Session::spawn(cmd).expect("virtsh starts in a pty");
    session.set_expect_timeout(Some(Duration::from_secs(10)));
    Shell { session }
}

impl Shell {
    /// Waits for `text`; returns what came before it.
    fn expect(&mut self, text: &str) -> String {
        match self.session.expect(text) {
            Ok(found) => String::from_utf8_lossy(found.before()).into_owned(),
            Err(e) => panic!("did not see {text:?}: {e}"),
        }
    }

    fn send(&mut self, text: &str) {
        self.session.send(text).unwrap();
    }

    /// Types a line and presses Enter (a carriage return, as a terminal sends it).
    fn line(&mut self, text: &str) {
        self.session.send(format!("{text}\r")).unwrap();
    }

    fn quit(mut self) {
        self.line("quit");
        self.session.expect(Eof).expect("the shell leaves on quit");
    }
}

#[test]
fn prompt_and_tab_completion() {
    let cache = tempfile::tempdir().unwrap();
    let mut sh = shell(&["-c", "test:///default"], cache.path(), &[]);
    sh.expect("Welcome to virtsh, the virtualization interactive terminal.");
    sh.expect("virtsh # ");
    // A command name, then a live domain name.
    sh.send("domin\t");
    sh.expect("dominfo ");
    sh.send("te\t");
    sh.expect("test");
    sh.send("\r");
    sh.expect("UUID:           6695eb01-f6a4-8304-79aa-97f2502e193f");
    sh.expect("virtsh # ");
    // An option of the command being typed.
    sh.send("domstate test --re\t");
    sh.expect("--reason");
    sh.send("\r");
    sh.expect("running (unknown)");
    // A pool name.
    sh.send("pool-info def\t");
    sh.expect("default-pool");
    sh.send("\r");
    sh.expect("Capacity:       100.00 GiB");
    sh.quit();
}

/// Over a slow link (here the daemon's relay starts a second late), TAB gives up after
/// 200 ms instead of holding the prompt, and the names it listed meanwhile serve the next
/// TAB. Needs the libvirtd that `scripts/setup-test-env.sh` starts.
#[test]
fn tab_does_not_wait_on_a_slow_connection() {
    let cache = tempfile::tempdir().unwrap();
    let relay = cache.path().join("slow-relay");
    std::fs::write(
        &relay,
        "#!/bin/sh\nsleep 1\nexec virt-ssh-helper test:///default\n",
    )
    .unwrap();
    std::fs::set_permissions(&relay, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let uri = format!("test+ext:///default?command={}", relay.display());
    let path = ("PATH", std::env::var("PATH").unwrap_or_default());
    let mut sh = shell(&["-q", "-c", &uri], cache.path(), &[path]);
    sh.expect("virtsh # ");
    // The lister's own connection is still a second away: TAB returns with nothing, and the
    // X typed right after it lands next to what was typed.
    sh.send("dominfo te\tX\r");
    sh.expect("failed to get domain 'teX'");
    sh.expect("virtsh # ");
    std::thread::sleep(Duration::from_millis(1500));
    sh.send("dominfo te\t\r");
    sh.expect("Name:           test");
    sh.expect("virtsh # ");
    sh.quit();
}

#[test]
fn history_survives_a_restart() {
    let cache = tempfile::tempdir().unwrap();
    let mut sh = shell(&["-q", "-c", "test:///default"], cache.path(), &[]);
    sh.expect("virtsh # ");
    sh.line("echo remembered-line");
    sh.expect("remembered-line");
    sh.quit();
    assert!(cache.path().join("virtsh/history").exists());
    let mut sh = shell(&["-q", "-c", "test:///default"], cache.path(), &[]);
    sh.expect("virtsh # ");
    // Up arrow twice (the newest entry is `quit`) brings the line back.
    sh.send("\x1b[A\x1b[A\r");
    sh.expect("remembered-line");
    sh.quit();
}

#[test]
fn ctrl_c_clears_the_line_and_ctrl_d_leaves() {
    let cache = tempfile::tempdir().unwrap();
    let mut sh = shell(&["-q", "-c", "test:///default"], cache.path(), &[]);
    sh.expect("virtsh # ");
    sh.send("echo discarded");
    sh.session.send(ControlCode::EndOfText).unwrap();
    sh.expect("virtsh # ");
    sh.line("echo kept");
    sh.expect("kept");
    sh.expect("virtsh # ");
    sh.session.send(ControlCode::EndOfTransmission).unwrap();
    sh.session.expect(Eof).expect("Ctrl-D leaves the shell");
}

#[test]
fn read_only_prompt() {
    let cache = tempfile::tempdir().unwrap();
    let mut sh = shell(&["-r", "-q", "-c", "test:///default"], cache.path(), &[]);
    sh.expect("virtsh > ");
    sh.line("destroy test");
    sh.expect("operation forbidden: read only access prevents virDomainDestroy");
    sh.quit();
}

#[test]
fn edit_round_trip_with_a_scripted_editor() {
    let cache = tempfile::tempdir().unwrap();
    let editor = cache.path().join("editor.sh");
    std::fs::write(
        &editor,
        "#!/bin/sh\nsed -i 's/<on_crash>destroy/<on_crash>restart/' \"$1\"\n",
    )
    .unwrap();
    Command::new("chmod")
        .arg("755")
        .arg(&editor)
        .status()
        .unwrap();
    let env = [
        ("EDITOR", editor.display().to_string()),
        ("PATH", "/usr/bin:/bin".to_string()),
    ];
    // Not quiet: -q would silence the "edited" message, as in virsh.
    let mut sh = shell(&["-c", "test:///default"], cache.path(), &env);
    sh.expect("virtsh # ");
    sh.line("edit test");
    sh.expect("Domain 'test' XML configuration edited.");
    sh.line("dumpxml --inactive test");
    sh.expect("<on_crash>restart</on_crash>");
    // A second edit with an editor that breaks the XML: virsh's question, answered `n`.
    let broken = cache.path().join("broken.sh");
    std::fs::write(&broken, "#!/bin/sh\necho '<domain' > \"$1\"\n").unwrap();
    Command::new("chmod")
        .arg("755")
        .arg(&broken)
        .status()
        .unwrap();
    sh.quit();
    let env = [
        ("EDITOR", broken.display().to_string()),
        ("PATH", "/usr/bin:/bin".to_string()),
    ];
    let mut sh = shell(&["-q", "-c", "test:///default"], cache.path(), &env);
    sh.expect("virtsh # ");
    sh.line("edit test");
    sh.expect("Failed. Try again? [y,n,i,f,?]: ");
    // `n` gives up quietly, as virsh does: no error line after the answer.
    sh.send("n");
    let after = sh.expect("virtsh # ");
    assert!(!after.contains("error"), "{after:?}");
    sh.quit();
}

/// A byte that is not UTF-8 (Latin-1 `é`, typed on a terminal that sends Latin-1) does not end
/// the shell: the line runs, as virsh runs it, and so do the lines after it.
#[test]
fn a_latin1_byte_at_the_prompt_does_not_end_the_shell() {
    let cache = tempfile::tempdir().unwrap();
    let mut sh = shell(&["-c", "test:///default"], cache.path(), &[]);
    sh.expect("virtsh # ");
    sh.session.send(b"echo caf\xe9\r").unwrap();
    sh.expect("caf");
    sh.expect("virtsh # ");
    sh.line("echo after");
    sh.expect("after");
    sh.quit();
}
