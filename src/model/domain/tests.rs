use super::*;

fn parse(body: &str) -> DomainDef {
    DomainDef::parse(&format!(
        "<domain type='test'><name>x</name><memory unit='MiB'>1</memory><os><type>hvm</type></os>{body}</domain>"
    ))
    .unwrap()
}

fn error(doc: &str) -> String {
    crate::error::Error::from(DomainDef::parse(doc).unwrap_err()).to_string()
}

#[test]
fn defaults_are_filled_in() {
    let d = parse("");
    assert_eq!(d.memory_kib, 1024);
    assert_eq!(d.current_memory_kib, 1024);
    assert_eq!(d.os.boot, vec!["hd"]);
    let xml = d.to_xml(None);
    assert!(xml.contains("<vcpu placement='static'>1</vcpu>"), "{xml}");
    assert!(xml.contains("<clock offset='utc'/>"));
    assert!(xml.contains("<on_reboot>restart</on_reboot>"));
    assert_eq!(DomainDef::parse(&xml).unwrap().to_xml(None), xml);
}

#[test]
fn errors_name_the_problem() {
    assert!(matches!(
        DomainDef::parse("<domain type='test'><memory>1</memory></domain>"),
        Err(ModelError::NoName)
    ));
    assert!(matches!(
        DomainDef::parse("<domain type='test'><name>a/b</name></domain>"),
        Err(ModelError::Name(_))
    ));
    let e = DomainDef::parse("<pool type='dir'><name>p</name></pool>").unwrap_err();
    assert!(
        e.to_string().contains("expecting root element of 'domain'"),
        "{e}"
    );
}

/// libvirt 11.3's messages, captured from `virsh define` on the test driver.
#[test]
fn refusals_read_as_libvirt_words_them() {
    let head = "<domain type='test'><name>q</name>";
    let os = "<os><type>hvm</type></os>";
    let cases = [
        (format!("{head}{os}</domain>"), "XML error: Memory size must be specified via <memory> or in the <numa> configuration"),
        (format!("{head}<memory>0</memory>{os}</domain>"), "XML error: Memory size must be specified via <memory> or in the <numa> configuration"),
        (format!("{head}<memory unit='é'>1</memory>{os}</domain>"), "invalid argument: unknown suffix 'é'"),
        (format!("{head}<memory>10A</memory>{os}</domain>"), "XML error: Invalid value '10A' for element or attribute './memory[1]'"),
        (format!("{head}<memory>1024</memory><currentMemory>x</currentMemory>{os}</domain>"), "XML error: Invalid value 'x' for element or attribute './currentMemory[1]'"),
        (format!("{head}<memory>1024</memory><vcpu>x</vcpu>{os}</domain>"), "XML error: maximum vcpus count must be an integer"),
        ("<domain><name>q</name><memory>1024</memory></domain>".into(), "internal error: missing domain type attribute"),
        (format!("{head}<uuid>zz</uuid><memory>1024</memory>{os}</domain>"), "internal error: malformed uuid element"),
        (format!("{head}<memory>1024</memory></domain>"), "XML error: an os <type> must be specified"),
        (format!("{head}<title>a\nb</title><memory>1024</memory>{os}</domain>"), "XML error: Domain title can't contain newlines"),
        (format!("{head}<memory>1024</memory>{os}<devices><disk type='file'><source file='/x'/></disk></devices></domain>"), "missing target information for device /x"),
        (format!("{head}<memory>1024</memory>{os}<devices><rng model='virtio'/></devices></domain>"), "XML error: only one RNG backend is supported"),
        (format!("{head}<memory>1024</memory>{os}<devices><rng model='bogus'><backend model='random'/></rng></devices></domain>"), "XML error: Invalid value for attribute 'model' in element 'rng': 'bogus'."),
        (format!("{head}<memory>1024</memory>{os}<devices><watchdog model='bogus'/></devices></domain>"), "XML error: Invalid value for attribute 'model' in element 'watchdog': 'bogus'."),
        (format!("{head}<memory>1024</memory>{os}<devices><sound model='bogus'/></devices></domain>"), "XML error: Invalid value for attribute 'model' in element 'sound': 'bogus'."),
        (format!("{head}<memory>1024</memory>{os}<devices><graphics type='bogus'/></devices></domain>"), "XML error: Invalid value for attribute 'type' in element 'graphics': 'bogus'."),
        (format!("{head}<memory>1024</memory>{os}<devices><disk type='file'><driver cache='bogus'/><target dev='vda'/></disk></devices></domain>"), "XML error: Invalid value for attribute 'cache' in element 'driver': 'bogus'."),
        (format!("{head}<memory>1024</memory>{os}<cpu mode='bogus'/></domain>"), "unsupported configuration: Invalid mode attribute 'bogus'"),
        (format!("{head}<memory>1024</memory>{os}<devices><graphics type='vnc' listen='0.0.0.0'><listen type='address' address='127.0.0.1'/></graphics></devices></domain>"), "unsupported configuration: graphics 'listen' attribute '0.0.0.0' must match 'address' attribute of first listen element (found '127.0.0.1')"),
        (format!("{head}<memory>1024</memory>{os}<qemu:commandline xmlns:qemu='{QEMU_NS}'><qemu:env name='1BAD' value='y'/></qemu:commandline></domain>"), "internal error: Invalid environment name, it must begin with a letter or underscore"),
        (format!("{head}<memory>1024</memory>{os}<qemu:commandline xmlns:qemu='{QEMU_NS}'><qemu:arg/></qemu:commandline></domain>"), "internal error: No qemu command-line argument specified"),
    ];
    for (doc, want) in cases {
        assert_eq!(error(&doc), want, "for {doc}");
    }
}

#[test]
fn the_first_of_two_wins_and_names_keep_their_spaces() {
    let d = DomainDef::parse(
        "<domain type='test'><name> sp </name><name>two</name><memory>2048</memory><memory>1</memory>\
         <os><type>hvm</type></os></domain>",
    )
    .unwrap();
    assert_eq!(d.name.as_str(), " sp ");
    assert_eq!(d.memory_kib, 2048);
    assert!(d.unmodelled().is_empty(), "{:?}", d.unmodelled());
    assert_eq!(d.to_xml(None).matches("<name>").count(), 1);
}

#[test]
fn metadata_is_kept_as_libvirt_prints_it() {
    let d = parse(
        "<metadata><app:foo xmlns:app='http://example.org/app'><app:child a='1'>x</app:child><app:empty/></app:foo>\
         <other:thing xmlns:other='http://example.org/other' attr='v'/><plain>dropped</plain>\
         <b:again xmlns:b='http://example.org/app'>second</b:again></metadata>",
    );
    let xml = d.to_xml(None);
    let want = "  <metadata>\n    <app:foo xmlns:app=\"http://example.org/app\">\n      <app:child a=\"1\">x</app:child>\n      \
                <app:empty/>\n    </app:foo>\n    <other:thing xmlns:other=\"http://example.org/other\" attr=\"v\"/>\n  </metadata>\n";
    assert!(xml.contains(want), "{xml}");
    assert!(xml.find("<metadata>") < xml.find("<memory"));
    // Nothing in a namespace: libvirt prints an empty element; an empty one it leaves out.
    assert!(parse("<metadata><foo>bar</foo></metadata>")
        .to_xml(None)
        .contains("  <metadata/>\n"));
    assert!(!parse("<metadata/>").to_xml(None).contains("metadata"));
    // Mixed content stays on one line; a namespace declared above is declared on the copy.
    let d = parse("<metadata xmlns:m='urn:m'><m:x>t<m:y/></m:x></metadata>");
    assert!(d
        .to_xml(None)
        .contains("    <m:x xmlns:m=\"urn:m\">t<m:y/></m:x>\n"));
}

#[test]
fn qemu_commandline_is_printed_last_args_first() {
    let d = parse(&format!(
        "<q:commandline xmlns:q='{QEMU_NS}'><q:env name='X' value='y'/><q:arg value='-a'/><q:env name='E'/></q:commandline>"
    ));
    assert_eq!(d.qemu.args, ["-a"]);
    let xml = d.to_xml(None);
    assert!(
        xml.starts_with(&format!("<domain type='test' xmlns:qemu='{QEMU_NS}'>\n")),
        "{xml}"
    );
    assert!(xml.ends_with(
        "  </devices>\n  <qemu:commandline>\n    <qemu:arg value='-a'/>\n    <qemu:env name='X' value='y'/>\n    \
         <qemu:env name='E'/>\n  </qemu:commandline>\n</domain>\n"
    ), "{xml}");
}

#[test]
fn devices_virtsh_applies_are_formatted_as_libvirt_does() {
    let d = parse(
        "<devices><disk type='file'><driver name='qemu' type='raw' cache='default' discard='unmap' io='threads'/>\
         <source file='/x'/><target dev='vda'/></disk><rng model='virtio'><backend model='random'/></rng>\
         <watchdog model='ib700'/><sound model='ich9'/><graphics type='vnc' port='5907' listen='0.0.0.0'/></devices>",
    );
    let xml = d.to_xml(None);
    for want in [
        "      <driver name='qemu' type='raw' io='threads' discard='unmap'/>\n",
        "    <graphics type='vnc' port='5907' autoport='no' listen='0.0.0.0'>\n      <listen type='address' address='0.0.0.0'/>\n    </graphics>\n    <sound model='ich9'/>\n    <video>\n      <model type='cirrus' vram='16384' heads='1' primary='yes'/>\n    </video>\n    <watchdog model='ib700' action='reset'/>\n    <rng model='virtio'>\n      <backend model='random'>/dev/random</backend>\n    </rng>\n  </devices>\n",
    ] {
        assert!(xml.contains(want), "{want}\nin\n{xml}");
    }
    let auto = parse("<devices><graphics type='vnc'/></devices>").to_xml(None);
    assert!(
        auto.contains(
            "<graphics type='vnc' port='-1' autoport='yes'>\n      <listen type='address'/>\n"
        ),
        "{auto}"
    );
}

#[test]
fn what_libvirt_knows_and_virtsh_does_not_is_kept_for_refusal() {
    let d = parse(
        "<memoryBacking><hugepages/></memoryBacking><cputune><shares>512</shares></cputune>\
         <devices><hostdev mode='subsystem' type='pci'/><disk type='file' snapshot='no'><target dev='vda'/><iotune/></disk>\
         <nonsense/></devices><bogus/>",
    );
    assert_eq!(
        d.unmodelled(),
        [
            "<domain><memoryBacking>",
            "<domain><cputune>",
            "<devices><hostdev>",
            "<disk snapshot='no'>",
            "<disk><iotune>"
        ]
    );
    let xml = d.to_xml(None);
    let order: Vec<usize> = [
        "<memoryBacking>",
        "<vcpu",
        "<cputune>",
        "<os>",
        "<disk type='file' device='disk' snapshot='no'>",
        "<iotune/>",
        "<hostdev",
    ]
    .iter()
    .map(|t| xml.find(t).unwrap_or_else(|| panic!("{t} in {xml}")))
    .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{xml}");
    assert!(!xml.contains("nonsense") && !xml.contains("bogus"));
    // What was kept reads back the same.
    assert_eq!(DomainDef::parse(&xml).unwrap().to_xml(None), xml);
}
