use std::os::unix::fs::PermissionsExt;

use super::*;

fn sources(dir: &Path, user: &[u8], system: &str) -> Sources {
    std::fs::create_dir_all(dir.join(".ssh")).unwrap();
    std::fs::write(dir.join(".ssh/config"), user).unwrap();
    std::fs::set_permissions(
        dir.join(".ssh/config"),
        std::fs::Permissions::from_mode(0o600),
    )
    .unwrap();
    std::fs::write(dir.join("system"), system).unwrap();
    Sources {
        home: dir.to_path_buf(),
        user_file: dir.join(".ssh/config"),
        check_user_file: true,
        system_file: Some(dir.join("system")),
        local_user: "me".into(),
        command_limit: Duration::from_secs(5),
    }
}

fn get(host: &str, s: &Sources) -> HostConfig {
    resolve(host, Given::default(), s).unwrap()
}

fn refused(host: &str, s: &Sources) -> Vec<String> {
    let e = resolve(host, Given::default(), s).unwrap_err();
    e.lines().into_iter().map(String::from).collect()
}

#[test]
fn first_value_wins_and_patterns_negate() {
    let dir = tempfile::tempdir().unwrap();
    let s = sources(
        dir.path(),
        b"# comment\nHost lab1 !lab1x\n  HostName 10.0.0.1\n  Port=2222\n  IdentityFile ~/.ssh/lab\n\
         Host lab*\n  User admin\n  Port 22\n  IdentityFile %d/second\n  ProxyJump bastion\n\
         Match host 10.0.0.* originalhost LAB1\n  IdentitiesOnly yes\n  StrictHostKeyChecking accept-new\n\
         Host *\n  User nobody\n  ConnectTimeout 7\n",
        "Host *\n  ServerAliveInterval 5\n  User system\n",
    );
    let c = get("lab1", &s);
    assert_eq!(c.host_name, "10.0.0.1");
    assert_eq!(c.port, 2222);
    assert_eq!(c.user, "admin");
    assert_eq!(
        c.identity_files,
        [b"~/.ssh/lab".to_vec(), b"%d/second".to_vec()]
    );
    assert_eq!(c.proxy_jump.as_deref(), Some("bastion"));
    assert!(c.identities_only);
    assert_eq!(c.strict_host_key_checking, Strict::AcceptNew);
    assert_eq!((c.connect_timeout, c.server_alive_interval), (Some(7), 5));
    // Negated: lab1x takes nothing of the first block.
    let x = get("lab1x", &s);
    assert_eq!(
        (x.host_name.as_str(), x.port, x.user.as_str()),
        ("lab1x", 22, "admin")
    );
    assert_eq!(get("other", &s).user, "nobody");
    // Host patterns are matched with case, on the host as typed; the name is lowercased.
    let upper = get("LAB1", &s);
    assert_eq!(
        (upper.host_name.as_str(), upper.user.as_str()),
        ("lab1", "nobody")
    );
}

#[test]
fn a_byte_that_is_not_utf8_passes_through() {
    let dir = tempfile::tempdir().unwrap();
    let s = sources(
        dir.path(),
        b"# caf\xe9 au lait\nHost lab\n  HostName 127.0.0.1\n  IdentityFile /k\xe9y\n",
        "",
    );
    let c = get("lab", &s);
    assert_eq!(c.host_name, "127.0.0.1");
    assert_eq!(c.identity_files, [b"/k\xe9y".to_vec()]);
    let s = sources(dir.path(), b"Host lab\n  caf\xe9 x\n", "");
    assert_eq!(
        refused("lab", &s),
        [
            format!(
                "{}: line 2: Bad configuration option: caf\\351",
                s.user_file.display()
            ),
            format!(
                "{}: terminating, 1 bad configuration options",
                s.user_file.display()
            ),
        ]
    );
}

#[test]
fn includes_quoting_and_proxies() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join(".ssh/conf.d")).unwrap();
    std::fs::write(
        dir.path().join(".ssh/conf.d/a.conf"),
        "Host alias\n  HostName a.example\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join(".ssh/conf.d/b.conf"),
        "Host alias\n  HostName b.example\n  Port 99\n",
    )
    .unwrap();
    let s = sources(
        dir.path(),
        b"Include conf.d/*.conf\nHost alias\n  ProxyCommand = sh -c \"exec nc %h %p\"  # kept\n\
          UserKnownHostsFile ~/k1 \"~/k 2\"\n  ProxyJump later\n",
        "",
    );
    let c = get("alias", &s);
    assert_eq!((c.host_name.as_str(), c.port), ("a.example", 99));
    assert_eq!(
        c.proxy_command.as_deref(),
        Some(b"sh -c \"exec nc %h %p\"  # kept".as_slice())
    );
    assert_eq!(c.proxy_jump, None);
    assert_eq!(
        c.proxy_command().unwrap().unwrap(),
        "exec sh -c \"exec nc a.example 99\"  # kept"
    );
    let home = dir.path().display();
    assert_eq!(
        c.user_known_hosts,
        [
            format!("{home}/k1").into_bytes(),
            format!("{home}/k 2").into_bytes()
        ]
    );
}

#[test]
fn errors_are_openssh_s() {
    let dir = tempfile::tempdir().unwrap();
    let cases: &[(&str, &[&str])] = &[
        ("Host lab\n  Port 99999\n", &["line 2: Bad port '99999'."]),
        ("Host other\n  Port 0\n", &["line 2: Bad port '0'."]),
        ("HostName \"\"\n", &["line 1: Missing argument."]),
        ("HostName \"open\n", &["line 1: invalid quotes"]),
        (
            "HostName a b\n",
            &["line 1: keyword hostname extra arguments at end of line"],
        ),
        ("Port\n", &["line 1: no argument after keyword \"port\""]),
        (
            "Match bogus\n",
            &[
                "line 1: missing argument for Match 'bogus'",
                "line 1: Bad Match condition",
            ],
        ),
        (
            "Match bogus x\n",
            &[
                "Unsupported Match attribute bogus",
                "line 1: Bad Match condition",
            ],
        ),
        (
            "Match all host x\n",
            &[
                "line 1: 'all' cannot be combined with other Match attributes",
                "line 1: Bad Match condition",
            ],
        ),
        (
            "ForwardX11 maybe\n",
            &["line 1: unsupported option \"maybe\"."],
        ),
        (
            "ServerAliveInterval soon\n",
            &["line 1: invalid time value."],
        ),
    ];
    for (config, want) in cases {
        let s = sources(dir.path(), config.as_bytes(), "");
        let file = s.user_file.display().to_string();
        let mut expected: Vec<String> = want
            .iter()
            .map(|w| match w.starts_with("line") {
                true => format!("{file} {w}"),
                false => w.to_string(),
            })
            .collect();
        expected.push(format!("{file}: terminating, 1 bad configuration options"));
        assert_eq!(refused("lab", &s), expected, "{config}");
    }
    // IgnoreUnknown first makes an unknown keyword pass; an unknown token is fatal.
    let s = sources(dir.path(), b"IgnoreUnknown Use*,x\nUseKeychain yes\n", "");
    assert_eq!(get("lab", &s).host_name, "lab");
    let s = sources(dir.path(), b"Host lab\n  ProxyCommand nc %u %p\n", "");
    assert_eq!(
        get("lab", &s).proxy_command().unwrap_err().lines(),
        [
            "vdollar_percent_expand: unknown key %u",
            "percent_expand: failed"
        ]
    );
    let s = sources(dir.path(), b"HostName %p.example\n", "");
    assert_eq!(
        refused("lab", &s),
        [
            "vdollar_percent_expand: unknown key %p",
            "percent_expand: failed"
        ]
    );
}

#[test]
fn includes_are_checked_and_bounded() {
    let dir = tempfile::tempdir().unwrap();
    let s = sources(dir.path(), b"Include /dev/zero\n", "");
    assert_eq!(
        refused("lab", &s),
        ["Bad owner or permissions on /dev/zero"]
    );
    // A file that includes itself ends at OpenSSH's depth.
    let s = sources(dir.path(), b"Include config\n", "");
    assert_eq!(
        refused("lab", &s),
        ["Too many recursive configuration includes"]
    );
    // The user's own file: writable by the group, refused.
    let s = sources(dir.path(), b"Host lab\n", "");
    std::fs::set_permissions(&s.user_file, std::fs::Permissions::from_mode(0o664)).unwrap();
    assert_eq!(
        refused("lab", &s),
        [format!(
            "Bad owner or permissions on {}",
            s.user_file.display()
        )]
    );
    // Lines of a block that does not apply are checked all the same, in included files too.
    std::fs::write(
        dir.path().join(".ssh/extra"),
        "Host nothere\n  Port 70000\n",
    )
    .unwrap();
    let s = sources(dir.path(), b"Host nothere\n  Include extra\n", "");
    let extra = dir.path().join(".ssh/extra").display().to_string();
    assert_eq!(
        refused("lab", &s),
        [
            format!("{extra} line 2: Bad port '70000'."),
            format!("{extra}: terminating, 1 bad configuration options"),
        ]
    );
}

#[test]
fn proxy_jump_and_command_first_wins() {
    let dir = tempfile::tempdir().unwrap();
    let s = sources(
        dir.path(),
        b"ProxyJump u@10.0.0.1:2222,b\nProxyCommand nc %h %p\n",
        "",
    );
    let c = get("lab", &s);
    assert_eq!(
        (c.proxy_jump.as_deref(), c.proxy_command),
        (Some("u@10.0.0.1:2222,b"), None)
    );
    let s = sources(dir.path(), b"ProxyCommand nc %h %p\nProxyJump b\n", "");
    let c = get("lab", &s);
    assert_eq!(
        (c.proxy_jump, c.proxy_command),
        (None, Some(b"nc %h %p".to_vec()))
    );
    let s = sources(dir.path(), b"ProxyCommand none\nProxyJump b\n", "");
    let c = get("lab", &s);
    assert_eq!((c.proxy_jump, c.proxy_command), (None, None));
}

#[test]
fn match_user_exec_and_final() {
    let dir = tempfile::tempdir().unwrap();
    let s = sources(
        dir.path(),
        b"Match user=root exec \"test %n = lab\"\n  Port 2\nMatch final host lab.example\n  User late\n\
          Host lab\n  HostName LAB.example\n",
        "",
    );
    let given = Given {
        user: Some("root"),
        port: None,
    };
    let c = resolve("lab", given, &s).unwrap();
    assert_eq!(
        (c.port, c.host_name.as_str(), c.user.as_str()),
        (2, "lab.example", "root")
    );
    assert_eq!(get("lab", &s).user, "late");
}

#[test]
fn a_negated_final_asks_for_the_final_pass_as_openssh_10_0_does() {
    let dir = tempfile::tempdir().unwrap();
    let s = sources(
        dir.path(),
        b"Match !final\n  Port 2\nMatch canonical\n  User canon\n",
        "",
    );
    let c = get("lab", &s);
    assert_eq!((c.port, c.user.as_str()), (2, "canon"));
    let s = sources(
        dir.path(),
        b"Match canonical\n  User canon\nMatch final\n",
        "",
    );
    assert_eq!(get("lab", &s).user, "canon");
}

#[test]
fn a_match_exec_command_s_stderr_is_kept_short_and_not_waited_for() {
    let dir = tempfile::tempdir().unwrap();
    // Much more than a pipe holds, then a bad line so that the run fails with what was logged.
    let s = sources(
        dir.path(),
        b"Match exec \"head -c 300000 /dev/zero | tr '\\\\0' x >&2; exit 1\"\nPort 0\n",
        "",
    );
    let e = resolve("lab", Given::default(), &s).unwrap_err();
    let file = s.user_file.display().to_string();
    assert_eq!(
        e.stderr,
        format!(
            "{}{file} line 2: Bad port '0'.\r\n{file}: terminating, 1 bad configuration options\r\n",
            "x".repeat(1025)
        )
    );
    // Something the command leaves running with its stderr does not hold the reading up
    // (the limit is long: only the command's own end is waited for).
    let mut s = sources(
        dir.path(),
        b"Match exec \"echo started >&2; sleep 120 >&2 & exit 0\"\n  Port 0\n",
        "",
    );
    s.command_limit = Duration::from_secs(600);
    let started = std::time::Instant::now();
    let e = resolve("lab", Given::default(), &s).unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(60));
    assert!(e.stderr.starts_with("started\n"), "{}", e.stderr);
}

#[test]
fn settings_virtsh_cannot_honour_are_named_with_their_line() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join(".ssh/config").display().to_string();
    let unhonoured = |config: &[u8]| get("lab", &sources(dir.path(), config, "")).unhonoured;
    let refused = [
        ("CanonicalizeHostname yes\n", "CanonicalizeHostname yes"),
        (
            "canonicalizehostname=Always\n",
            "CanonicalizeHostname Always",
        ),
        (
            "Host lab\n  HostKeyAlgorithms +ssh-rsa\n",
            "HostKeyAlgorithms +ssh-rsa",
        ),
        (
            "KexAlgorithms curve25519-sha256\n",
            "KexAlgorithms curve25519-sha256",
        ),
        ("Ciphers aes128-ctr\n", "Ciphers aes128-ctr"),
        ("MACs hmac-sha2-256\n", "MACs hmac-sha2-256"),
        ("BindAddress 127.0.0.1\n", "BindAddress 127.0.0.1"),
        ("BindInterface lo\n", "BindInterface lo"),
        ("ProxyUseFdpass yes\n", "ProxyUseFdpass yes"),
        ("ConnectionAttempts 3\n", "ConnectionAttempts 3"),
        (
            "CertificateFile ~/.ssh/id-cert.pub\n",
            "CertificateFile ~/.ssh/id-cert.pub",
        ),
        (
            "RevokedHostKeys /etc/ssh/revoked a\n",
            "RevokedHostKeys /etc/ssh/revoked a",
        ),
    ];
    for (config, what) in refused {
        let line = config.lines().count();
        assert_eq!(
            unhonoured(config.as_bytes()),
            Some(format!(
                "{file} line {line}: virtsh does not support {what}"
            )),
            "{config}"
        );
    }
    // The default values, lines that do not apply, and values after the first that counts.
    for config in [
        "CanonicalizeHostname no\n",
        "ProxyUseFdpass no\n",
        "ConnectionAttempts 1\n",
        "RevokedHostKeys none\n",
        "Host other\n  Ciphers aes128-ctr\n",
        "Host lab\n  CanonicalizeHostname false\nHost *\n  CanonicalizeHostname yes\n",
        "Match canonical\n  CanonicalizeHostname yes\n",
    ] {
        assert_eq!(unhonoured(config.as_bytes()), None, "{config}");
    }
}

#[test]
fn proxy_jump_hosts_are_kept_parsed() {
    let dir = tempfile::tempdir().unwrap();
    let s = sources(
        dir.path(),
        b"ProxyJump ssh://r%40x;p=1@h.example:2022/,u@[::1]:23,last # a,comment\n",
        "",
    );
    let hop = |user: Option<&str>, host: &str, port| JumpHost {
        user: user.map(String::from),
        host: host.into(),
        port,
    };
    assert_eq!(
        get("lab", &s).jump_hops,
        [
            hop(Some("r@x"), "h.example", Some(2022)),
            hop(Some("u"), "::1", Some(23)),
            hop(None, "last", None),
        ]
    );
    let s = sources(dir.path(), b"ProxyJump none\n", "");
    assert!(get("lab", &s).jump_hops.is_empty());
}
