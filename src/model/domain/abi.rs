//! Whether two definitions of one domain describe the same guest hardware (libvirt's
//! `virDomainDefCheckABIStability`), as far as virtsh models it: hypervisor type, UUID, name,
//! memory, vCPUs, OS type, architecture, machine and the disks' devices, buses and targets,
//! checked in libvirt's order and refused in its words. The parts of libvirt's check for
//! what virtsh does not model (NUMA, timers, controllers, interfaces' addresses, ...) are not
//! made.

use super::DomainDef;
use crate::model::ModelError;

fn differs(what: String) -> Result<(), ModelError> {
    Err(ModelError::Unsupported(what))
}

/// Checks that `dst` (a new definition) keeps `src`'s guest ABI.
pub fn check_abi_stability(src: &DomainDef, dst: &DomainDef) -> Result<(), ModelError> {
    if src.kind != dst.kind {
        return differs(format!(
            "Target domain virt type {} does not match source {}",
            dst.kind, src.kind
        ));
    }
    if src.uuid != dst.uuid {
        return differs(format!(
            "Target domain uuid {} does not match source {}",
            dst.uuid, src.uuid
        ));
    }
    if src.name != dst.name {
        return differs(format!(
            "Target domain name '{}' does not match source '{}'",
            dst.name, src.name
        ));
    }
    if src.memory_kib != dst.memory_kib {
        return differs(format!(
            "Target domain max memory {} does not match source {}",
            dst.memory_kib, src.memory_kib
        ));
    }
    if src.current_memory_kib != dst.current_memory_kib {
        return differs(format!(
            "Target domain current memory {} does not match source {}",
            dst.current_memory_kib, src.current_memory_kib
        ));
    }
    if src.vcpu.max != dst.vcpu.max {
        return differs(format!(
            "Target domain vCPU max {} does not match source {}",
            dst.vcpu.max, src.vcpu.max
        ));
    }
    let (a, b) = (src.vcpu.online(), dst.vcpu.online());
    if a != b {
        // vCPUs come online in order: the first to differ is the fewer's count.
        return differs(format!(
            "State of vCPU '{}' differs between source and destination definitions",
            a.min(b)
        ));
    }
    if src.os.kind != dst.os.kind {
        return differs(format!(
            "Target domain OS type {} does not match source {}",
            dst.os.kind, src.os.kind
        ));
    }
    if src.os.arch != dst.os.arch {
        return differs(format!(
            "Target domain architecture {} does not match source {}",
            dst.os.arch.as_deref().unwrap_or("none"),
            src.os.arch.as_deref().unwrap_or("none")
        ));
    }
    if src.os.machine != dst.os.machine {
        return differs(format!(
            "Target domain machine type {} does not match source {}",
            dst.os.machine.as_deref().unwrap_or("(null)"),
            src.os.machine.as_deref().unwrap_or("(null)")
        ));
    }
    let (sd, dd) = (&src.devices.disks, &dst.devices.disks);
    if sd.len() != dd.len() {
        return differs(format!(
            "Target domain disk count {} does not match source {}",
            dd.len(),
            sd.len()
        ));
    }
    for (s, d) in sd.iter().zip(dd) {
        if s.device != d.device {
            return differs(format!(
                "Target disk device {} does not match source {}",
                d.device, s.device
            ));
        }
        if s.target_bus != d.target_bus {
            return differs(format!(
                "Target disk bus {} does not match source {}",
                d.target_bus.as_deref().unwrap_or("none"),
                s.target_bus.as_deref().unwrap_or("none")
            ));
        }
        if s.target_dev != d.target_dev {
            return differs(format!(
                "Target disk {} does not match source {}",
                d.target_dev, s.target_dev
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_changed_guest_is_refused_in_libvirt_words() {
        let doc = "<domain type='test'><name>t</name><memory>1024</memory><vcpu>2</vcpu>\
            <os><type>hvm</type></os><devices><disk type='file' device='disk'>\
            <source file='/a'/><target dev='vda' bus='virtio'/></disk></devices></domain>";
        let src = DomainDef::parse(doc).unwrap();
        let mut dst = src.clone();
        assert!(check_abi_stability(&src, &dst).is_ok());
        dst.memory_kib = 2048;
        assert_eq!(
            check_abi_stability(&src, &dst).unwrap_err().to_string(),
            "Target domain max memory 2048 does not match source 1024"
        );
        let mut dst = src.clone();
        dst.vcpu.current = Some(1);
        assert_eq!(
            check_abi_stability(&src, &dst).unwrap_err().to_string(),
            "State of vCPU '1' differs between source and destination definitions"
        );
        let mut dst = src.clone();
        dst.devices.disks[0].target_dev = "vdb".into();
        assert_eq!(
            check_abi_stability(&src, &dst).unwrap_err().to_string(),
            "Target disk vdb does not match source vda"
        );
    }
}
