//! What reaches dnsmasq, read back as dnsmasq reads it: whatever values a definition carries,
//! once the embedded driver accepts them, each configuration line is one option of virtsh's
//! making with the value it meant, and the host files have one entry per line.

use std::path::Path;

use proptest::prelude::*;

use super::{addn_hosts, config, hostsfile, Files};
use crate::driver::network::checks::check_definition;
use crate::model::NetworkDef;

/// One line of a dnsmasq configuration as dnsmasq's `read_file` reads it: quotes removed
/// (with their escapes), white space outside them made spaces, a `#` after white space
/// ending the line; `None` for a line it would refuse (an unbalanced quote).
fn dnsmasq_line(line: &str) -> Option<String> {
    let mut out = String::new();
    let mut chars = line.chars().peekable();
    let mut white = true;
    while let Some(c) = chars.next() {
        if c == '"' {
            loop {
                match chars.next()? {
                    '"' => break,
                    '\\' if matches!(
                        chars.peek(),
                        Some('"' | 't' | 'n' | 'e' | 'b' | 'r' | '\\')
                    ) =>
                    {
                        let e = chars.next()?;
                        out.push(match e {
                            't' => '\t',
                            'n' => '\n',
                            'e' => '\x1b',
                            'b' => '\x08',
                            'r' => '\r',
                            other => other,
                        });
                    }
                    other => out.push(other),
                }
            }
            white = false;
            continue;
        }
        if c.is_ascii_whitespace() {
            out.push(' ');
            white = true;
        } else {
            if white && c == '#' {
                break;
            }
            out.push(c);
            white = false;
        }
    }
    Some(out.trim().to_string())
}

/// The options virtsh writes.
const OPTIONS: [&str; 27] = [
    "strict-order",
    "port",
    "server",
    "no-resolv",
    "local",
    "domain",
    "expand-hosts",
    "domain-needed",
    "pid-file",
    "except-interface",
    "bind-dynamic",
    "interface",
    "dhcp-option",
    "ra-param",
    "txt-record",
    "srv-host",
    "enable-tftp",
    "tftp-root",
    "dhcp-range",
    "dhcp-no-override",
    "dhcp-authoritative",
    "dhcp-boot",
    "dhcp-lease-max",
    "dhcp-hostsfile",
    "dhcp-leasefile",
    "addn-hosts",
    "enable-ra",
];

/// Text as it can stand in an XML attribute or element.
fn xml(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('\'', "&apos;")
        .replace('"', "&quot;")
        .chars()
        .map(|c| match c {
            '\n' | '\t' | '\r' => format!("&#{};", c as u32),
            c => c.to_string(),
        })
        .collect()
}

fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z][a-z0-9-]{0,8}(\\.[a-z0-9]{1,5}){0,2}",
        any::<String>(),
        "[ -~\n\t]{0,24}",
        Just("h.example,10.231.2.6\ndhcp-script=/tmp/evil.sh".to_string()),
        Just("v=1 #x \"q\" \\".to_string()),
    ]
}

/// The fields of the test network, in order: bridge, host, TXT name, TXT value, domain,
/// DHCP host name, TFTP root, boot file, SRV target, forwarder domain.
const FIELDS: usize = 10;

/// Valid values for every field, and one field (of `which`) replaced by `hostile`.
fn fields(which: usize, hostile: String) -> Vec<String> {
    let mut f: Vec<String> = [
        "vbr0",
        "h.example",
        "_t",
        "v=1",
        "lab.example",
        "g1",
        "/srv/tftp",
        "pxe.0",
        "sip.example",
        "corp.example",
    ]
    .map(String::from)
    .to_vec();
    f[which % FIELDS] = hostile;
    f
}

/// The test network with `f`'s values (in [`FIELDS`] order) in their places.
fn network_xml(f: &[String]) -> String {
    format!(
        "<network><name>n</name><forward mode='nat'/><bridge name='{}'/>\
         <domain name='{}'/><dns><forwarder domain='{}' addr='10.0.0.1'/>\
         <txt name='{}' value='{}'/>\
         <srv service='sip' protocol='tcp' target='{}' port='5060'/>\
         <host ip='10.9.0.6'><hostname>{}</hostname></host></dns>\
         <ip address='10.9.0.1' prefix='24'><tftp root='{}'/><dhcp>\
         <range start='10.9.0.10' end='10.9.0.20'/>\
         <host mac='52:54:00:00:00:01' name='{}' ip='10.9.0.5'/>\
         <bootp file='{}'/></dhcp></ip></network>",
        xml(&f[0]),
        xml(&f[4]),
        xml(&f[9]),
        xml(&f[2]),
        xml(&f[3]),
        xml(&f[8]),
        xml(&f[1]),
        xml(&f[6]),
        xml(&f[5]),
        xml(&f[7])
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(
        std::env::var("VIRTSH_PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(256)
    ))]

    #[test]
    fn what_dnsmasq_reads_is_what_virtsh_meant(which in 0..FIELDS, hostile in value()) {
        let f = fields(which, hostile);
        let (bridge, host, txt_name, txt, domain, dhcp_name, tftp, boot, srv_target, forwarder) =
            (&f[0], &f[1], &f[2], &f[3], &f[4], &f[5], &f[6], &f[7], &f[8], &f[9]);
        let doc = network_xml(&f);
        let Ok(def) = NetworkDef::parse(&doc) else { return Ok(()) };
        if check_definition(&def).is_err() {
            // Refused: then it held what must not reach dnsmasq.
            prop_assert!(f.iter().any(|v| v.chars().any(|c| c.is_control() || !c.is_ascii_graphic())
                || v.contains([',', '"', '\'', '#', '%', '/']) || v.is_empty() || v.len() > 15), "{f:?}");
            return Ok(());
        }
        let files = Files::new(Path::new("/r/a \"b\" #c/run/network"), "n");
        let conf = config(&def, bridge, &files).unwrap();
        for line in conf.lines() {
            let read = dnsmasq_line(line).expect("balanced quotes");
            let option = read.split('=').next().unwrap();
            prop_assert!(OPTIONS.contains(&option), "{line:?} reads as {read:?}");
        }
        let lines: Vec<String> = conf.lines().map(|l| dnsmasq_line(l).unwrap()).collect();
        for want in [
            format!("interface={bridge}"),
            format!("txt-record={txt_name},{txt}"),
            format!("tftp-root={tftp}"),
            format!("dhcp-boot={boot}"),
            format!("domain={domain}"),
            format!("server=/{forwarder}/10.0.0.1"),
            format!("srv-host=_sip._tcp,{srv_target},5060"),
            format!("pid-file={}", files.pid.display()),
        ] {
            prop_assert!(lines.contains(&want), "{want:?} not in {conf}");
        }
        prop_assert_eq!(hostsfile(&def), format!("52:54:00:00:00:01,10.9.0.5,{dhcp_name}\n"));
        prop_assert_eq!(addn_hosts(&def), format!("10.9.0.6\t{host}\t\n"));
    }

    /// A control character in any field never reaches dnsmasq.
    #[test]
    fn control_characters_are_refused(which in 0..FIELDS, a in "[a-z]{0,4}", c in "[\x00-\x1f\x7f]", b in "[a-z]{0,4}") {
        let f = fields(which, format!("{a}{c}{b}"));
        let doc = network_xml(&f);
        if let Ok(def) = NetworkDef::parse(&doc) {
            prop_assert!(check_definition(&def).is_err(), "{f:?}");
        }
    }
}
