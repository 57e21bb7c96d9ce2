//! `deploy/`: systemd accepts the service, the backup service and its
//! timer, the hardening is in place, and the service works under
//! `MemoryDenyWriteExecute` (the kernel's same rule, set by hand, since no
//! systemd runs here).

use crate::harness::binary;
use crate::release::Bare;
use std::process::Command;

const UNIT: &str = include_str!("../../../deploy/authlevel.service");
const UNITS: [(&str, &str); 3] = [
    ("authlevel.service", UNIT),
    (
        "authlevel-backup.service",
        include_str!("../../../deploy/authlevel-backup.service"),
    ),
    (
        "authlevel-backup.timer",
        include_str!("../../../deploy/authlevel-backup.timer"),
    ),
];

#[test]
fn the_systemd_unit_passes_systemd_analyze_verify_with_its_hardening() {
    for line in [
        "DynamicUser=yes",
        "StateDirectory=authlevel",
        "ProtectSystem=strict",
        "NoNewPrivileges=yes",
        "MemoryDenyWriteExecute=yes",
        "ProtectHome=yes",
        "PrivateTmp=yes",
        "CapabilityBoundingSet=",
        "User=authlevel",
    ] {
        assert!(UNIT.lines().any(|l| l == line), "the unit lacks {line}");
    }
    if Command::new("systemd-analyze")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("deploy: systemd-analyze is not installed; the unit was not verified");
        return;
    }
    // verify wants ExecStart's program to exist: the binary under test.
    let dir = tempfile::tempdir().unwrap();
    let mut verify = Command::new("systemd-analyze");
    verify.arg("verify");
    for (name, text) in UNITS {
        let unit = dir.path().join(name);
        let text = text.replace("/usr/local/bin/authlevel", binary().to_str().unwrap());
        std::fs::write(&unit, text).unwrap();
        verify.arg(unit);
    }
    let out = verify.output().unwrap();
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    // A misspelt or ill-valued setting is only a warning: any output fails.
    assert!(out.status.success() && said.trim().is_empty(), "{said}");
}

/// Sets the kernel's memory-deny-write-execute rule (`PR_SET_MDWE`, what
/// systemd's MemoryDenyWriteExecute= asks for, kept across exec), then runs
/// the rest of the arguments.
const MDWE: &str = "import ctypes, os, sys\n\
    libc = ctypes.CDLL(None, use_errno=True)\n\
    if libc.prctl(65, 1, 0, 0, 0) != 0: sys.exit(77)\n\
    os.execv(sys.argv[1], sys.argv[1:])\n";

#[tokio::test]
async fn the_service_runs_where_no_memory_may_become_executable() {
    let probe = Command::new("python3")
        .args(["-c", MDWE, "/bin/true"])
        .output()
        .expect("python3 runs");
    if probe.status.code() == Some(77) {
        eprintln!("deploy: this kernel has no PR_SET_MDWE (Linux 6.3+); not tested");
        return;
    }
    assert!(
        probe.status.success(),
        "{}",
        String::from_utf8_lossy(&probe.stderr)
    );
    let bin = binary();
    let server = Bare::start(&bin, &["python3", "-c", MDWE]);
    // argon2id both ways, sessions, the database: all under the rule.
    server.admin_logs_in(&bin).await;
}
