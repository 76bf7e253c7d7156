//! Guests small enough to write from a test: boot sectors for an x86 machine (SeaBIOS loads
//! them from the first disk), each doing one thing a test needs of a real guest.

use std::path::{Path, PathBuf};

/// A 1 MiB raw disk whose boot sector holds `sector` (code, then the boot signature).
fn boot_disk(path: &Path, mut sector: Vec<u8>) {
    sector.resize(510, 0);
    sector.extend([0x55, 0xAA]);
    sector.resize(1 << 20, 0);
    std::fs::write(path, sector).unwrap();
}

/// A boot sector that powers the machine off through the PIIX4 ACPI port (PM1a_CNT at
/// 0x604: SLP_EN), then halts.
pub fn poweroff_disk(path: &Path) {
    let sector = vec![
        0xBA, 0x04, 0x06, // mov dx, 0x604
        0xB8, 0x00, 0x20, // mov ax, 0x2000
        0xEF, // out dx, ax
        0xF4, // hlt
        0xEB, 0xFD, // jmp back to hlt
    ];
    boot_disk(path, sector);
}

/// A boot sector that prints `virtsh-console-ok` on COM1, over and over.
pub fn console_disk(path: &Path) {
    let mut sector = vec![
        0xFC, 0x31, 0xC0, 0x8E, 0xD8, // cld; xor ax,ax; mov ds,ax
        0xBE, 0x15, 0x7C, // mov si, msg
        0xBA, 0xF8, 0x03, // mov dx, 0x3f8
        0xAC, 0x08, 0xC0, 0x74, 0x03, // lodsb; or al,al; jz again
        0xEE, 0xEB, 0xF8, // out dx,al; jmp lodsb
        0xEB, 0xF0, // again: jmp mov si
    ];
    sector.extend(b"virtsh-console-ok\r\n\0");
    boot_disk(path, sector);
}

/// A boot sector that enables the ACPI power button (PWRBTN_EN in PM1a_EN at 0x602), waits for
/// it (PWRBTN_STS in PM1a_STS at 0x600) and then powers off through PM1a_CNT (0x604): a guest
/// that cooperates with `shutdown`.
pub fn cooperative_disk(path: &Path) {
    let sector = vec![
        0xBA, 0x02, 0x06, // mov dx, 0x602
        0xB8, 0x00, 0x01, // mov ax, 0x100
        0xEF, // out dx, ax
        0xBA, 0x00, 0x06, // mov dx, 0x600
        0xED, // wait: in ax, dx
        0xA9, 0x00, 0x01, // test ax, 0x100
        0x74, 0xFA, // jz wait
        0xBA, 0x04, 0x06, // mov dx, 0x604
        0xB8, 0x00, 0x20, // mov ax, 0x2000
        0xEF, // out dx, ax
        0xF4, 0xEB, 0xFD, // hlt; jmp hlt
    ];
    boot_disk(path, sector);
}

/// The XML of a TCG domain `name` that boots from `disk` (IDE), with ACPI.
pub fn domain_xml(name: &str, disk: &Path) -> String {
    format!(
        "<domain type='qemu'><name>{name}</name><memory unit='MiB'>32</memory><os><type arch='x86_64'>hvm</type>\
         <boot dev='hd'/></os><features><acpi/></features><devices><disk type='file' device='disk'>\
         <driver name='qemu' type='raw'/><source file='{}'/><target dev='hda' bus='ide'/></disk>\
         <serial type='pty'/></devices></domain>",
        disk.display()
    )
}

/// A diskless TCG domain `name` (it idles in the firmware), with its UUID.
pub fn diskless_xml(name: &str, uuid: &str) -> String {
    format!(
        "<domain type='qemu'><name>{name}</name><uuid>{uuid}</uuid><memory unit='MiB'>32</memory>\
         <vcpu>1</vcpu><os><type arch='x86_64'>hvm</type></os></domain>"
    )
}

/// Writes `text` to `dir/file` and returns the path.
pub fn write(dir: &Path, file: &str, text: &str) -> PathBuf {
    let p = dir.join(file);
    std::fs::write(&p, text).unwrap();
    p
}

/// The tiny Linux guest (`scripts/test-guest.sh`): its kernel and initramfs, built from the
/// distribution's packages on first use and cached under the target directory.
pub fn linux() -> (PathBuf, PathBuf) {
    let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join("test-guest");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/test-guest.sh");
    let status = std::process::Command::new(&script)
        .arg(&out)
        .status()
        .expect("scripts/test-guest.sh runs");
    assert!(
        status.success(),
        "building the Linux test guest failed (it needs apt-get's package lists: run the README's test command, which sets them up)"
    );
    (out.join("vmlinuz"), out.join("initrd.img"))
}
