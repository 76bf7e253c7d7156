use super::*;

fn sources(dir: &Path, user: &str, system: &str) -> Sources {
    std::fs::create_dir_all(dir.join(".ssh")).unwrap();
    std::fs::write(dir.join(".ssh/config"), user).unwrap();
    std::fs::write(dir.join("system"), system).unwrap();
    Sources {
        home: dir.to_path_buf(),
        user_file: dir.join(".ssh/config"),
        system_file: dir.join("system"),
        local_user: "me".into(),
    }
}

#[test]
fn first_value_wins_and_patterns_negate() {
    let dir = tempfile::tempdir().unwrap();
    let s = sources(
        dir.path(),
        "# comment\nHost lab1 !lab1x\n  HostName 10.0.0.1\n  Port=2222\n  IdentityFile ~/.ssh/lab\n\
         Host lab*\n  User admin\n  Port 22\n  IdentityFile %d/second\n  ProxyJump bastion\n\
         Match host 10.0.0.* originalhost lab1\n  IdentitiesOnly yes\n  StrictHostKeyChecking accept-new\n\
         Host *\n  User nobody\n  ConnectTimeout 7\n",
        "Host *\n  ServerAliveInterval 5\n  User system\n",
    );
    let c = resolve("lab1", &s);
    assert_eq!(c.host_name.as_deref(), Some("10.0.0.1"));
    assert_eq!(c.port, Some(2222));
    assert_eq!(c.user.as_deref(), Some("admin"));
    assert_eq!(c.identity_files, vec!["~/.ssh/lab", "%d/second"]);
    assert_eq!(c.proxy_jump.as_deref(), Some("bastion"));
    assert_eq!(c.identities_only, Some(true));
    assert_eq!(c.strict_host_key_checking.as_deref(), Some("accept-new"));
    assert_eq!(
        (c.connect_timeout, c.server_alive_interval),
        (Some(7), Some(5))
    );
    // Negated: lab1x takes nothing of the first block.
    let x = resolve("lab1x", &s);
    assert_eq!(
        (x.host_name, x.port, x.user.as_deref()),
        (None, Some(22), Some("admin"))
    );
    assert_eq!(resolve("other", &s).user.as_deref(), Some("nobody"));
}

#[test]
fn includes_and_quoting() {
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
        "Include conf.d/*.conf\nHost alias\n  ProxyCommand \"nc\" %h %p\n  UserKnownHostsFile ~/k1 ~/k2\n",
        "",
    );
    let c = resolve("alias", &s);
    assert_eq!(c.host_name.as_deref(), Some("a.example"));
    assert_eq!(c.port, Some(99));
    assert_eq!(c.proxy_command.as_deref(), Some("nc %h %p"));
    assert_eq!(
        c.user_known_hosts,
        Some(vec!["~/k1".to_string(), "~/k2".to_string()])
    );
    let t = Tokens {
        home: dir.path(),
        local_user: "me",
        remote_user: "root",
        host: "a.example",
        original: "alias",
        port: 99,
    };
    assert_eq!(
        t.expand("nc %h %p %r %n %%"),
        "nc a.example 99 root alias %"
    );
    assert_eq!(t.expand("~/k1"), format!("{}/k1", dir.path().display()));
}

#[test]
fn wildcards() {
    assert!(wildcard("*.example.com", "Lab.Example.com"));
    assert!(wildcard("h?st", "host"));
    assert!(!wildcard("h?st", "hoost"));
    assert!(wildcard("*", ""));
    assert!(!pattern_list(["*", "!bad"].into_iter(), "bad"));
}
