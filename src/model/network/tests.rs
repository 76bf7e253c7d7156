use super::*;

fn roundtrip(input: &str, expected: &str) {
    let def = NetworkDef::parse(input).unwrap();
    assert_eq!(def.to_xml(), expected);
    // What libvirt prints reads back to the same document.
    assert_eq!(NetworkDef::parse(expected).unwrap().to_xml(), expected);
}

#[test]
fn libvirt_layout() {
    // As virsh 11.3 prints these definitions on test:///default.
    roundtrip(
        "<network><name>n1</name><uuid>bc94b90c-8c8c-4d50-a760-c3fa21ed6fcf</uuid>\
         <title>T one</title><description>D one</description>\
         <forward mode='route' dev='eth0'/><bridge name='vbr1' stp='off' delay='2'/>\
         <mac address='52:54:00:11:22:33'/><mtu size='9000'/>\
         <domain name='example.com' localOnly='yes'/>\
         <dns><host ip='10.0.0.5'><hostname>h5</hostname></host></dns>\
         <ip address='10.0.0.1' prefix='24'><dhcp><range start='10.0.0.2' end='10.0.0.100'/>\
         <host mac='52:54:00:aa:bb:cc' name='g1' ip='10.0.0.10'/></dhcp></ip>\
         <ip family='ipv6' address='2001:db8::1' prefix='64'/></network>",
        "<network>
  <name>n1</name>
  <uuid>bc94b90c-8c8c-4d50-a760-c3fa21ed6fcf</uuid>
  <title>T one</title>
  <description>D one</description>
  <forward dev='eth0' mode='route'>
    <interface dev='eth0'/>
  </forward>
  <bridge name='vbr1' stp='off' delay='2'/>
  <mtu size='9000'/>
  <mac address='52:54:00:11:22:33'/>
  <domain name='example.com' localOnly='yes'/>
  <dns>
    <host ip='10.0.0.5'>
      <hostname>h5</hostname>
    </host>
  </dns>
  <ip address='10.0.0.1' prefix='24'>
    <dhcp>
      <range start='10.0.0.2' end='10.0.0.100'/>
      <host mac='52:54:00:aa:bb:cc' name='g1' ip='10.0.0.10'/>
    </dhcp>
  </ip>
  <ip family='ipv6' address='2001:db8::1' prefix='64'>
  </ip>
</network>
",
    );
    roundtrip(
        "<network><name>n2</name><uuid>dbb46e6c-cec2-4098-a778-2656d59d7535</uuid>\
         <ip address='10.1.0.1' netmask='255.255.0.0'/><forward><nat>\
         <address start='1.2.3.4' end='1.2.3.10'/><port start='1024' end='2000'/></nat>\
         </forward></network>",
        "<network>
  <name>n2</name>
  <uuid>dbb46e6c-cec2-4098-a778-2656d59d7535</uuid>
  <forward mode='nat'>
    <nat>
      <address start='1.2.3.4' end='1.2.3.10'/>
      <port start='1024' end='2000'/>
    </nat>
  </forward>
  <bridge stp='on' delay='0'/>
  <ip address='10.1.0.1' netmask='255.255.0.0'>
  </ip>
</network>
",
    );
    roundtrip(
        "<network><name>n3</name><uuid>3b5a25ef-5b17-4630-a338-08bc0947acd1</uuid>\
         <forward mode='bridge'/><bridge name='br0'/></network>",
        "<network>
  <name>n3</name>
  <uuid>3b5a25ef-5b17-4630-a338-08bc0947acd1</uuid>
  <forward mode='bridge'/>
  <bridge name='br0'/>
</network>
",
    );
}

#[test]
fn libvirt_refusals() {
    let err = |xml: &str| NetworkDef::parse(xml).unwrap_err().to_string();
    assert_eq!(
        err("<network><name>x</name><forward/></network>"),
        "nat forwarding requested, but no IP address provided for network 'x'"
    );
    assert_eq!(
        err("<network><name>x</name><forward mode='bridge'/><bridge name='b' stp='on'/></network>"),
        "bridge delay/stp/zone options only allowed in open, route, nat, and isolated mode, not in bridge (network 'x')"
    );
    assert_eq!(
        err(
            "<network><name>x</name><ip address='10.0.0.1' prefix='24'><dhcp>\
             <range start='10.0.1.2' end='10.0.1.9'/></dhcp></ip></network>"
        ),
        "range 10.0.1.2 - 10.0.1.9 is not entirely within network 10.0.0.1/24"
    );
    assert_eq!(
        err("<network><name>x</name><ip address='bogus'/></network>"),
        "Invalid address 'bogus' in network 'x'"
    );
    assert!(matches!(
        NetworkDef::parse("<network><uuid>x</uuid></network>"),
        Err(ModelError::NoName)
    ));
    assert!(err(
        "<network><name>x</name><route address='1.2.3.0' prefix='24' gateway='1.1.1.1'/></network>"
    )
    .contains("<route>"));
}

#[test]
fn subnets() {
    let def = NetworkDef::parse(
        "<network><name>x</name><ip address='192.168.7.1' netmask='255.255.255.0'/></network>",
    )
    .unwrap();
    assert_eq!(
        def.ips[0].subnet(),
        Some(("192.168.7.0".parse().unwrap(), 24))
    );
    assert_eq!(
        Mac::parse("52:54:0:a:BB:cc").unwrap().to_string(),
        "52:54:00:0a:bb:cc"
    );
    assert!(Mac::parse("52:54:00:0a:bb").is_none());
}
