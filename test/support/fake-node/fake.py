#!/usr/bin/python3 -S
"""
Fake node and cluster commands for run.sh tests (test/support/fake-node.ts links this file under
every command name in a temp bin dir that comes first on PATH).

Every call appends one JSON line to $FAKE_STATE/calls.jsonl: {seq, node, cmd, argv, mutating}.
State lives in $FAKE_STATE/state.json, shared by the three simulated nodes and guarded by a lock:
  cluster-wide: LINSTOR objects (one controller database), the Proxmox cluster, DRBD filesystems;
  per node ($FAKE_NODE): systemd units, packages, ZFS pools, DRBD role, file attributes, kernel.
Nothing here touches the host: no network (the TCP probe, ping and arping are answered from state),
no chattr, no mount, no zpool. A queued failure (state["failOnce"]) makes the first matching call
exit 1.

Healthy by default; a test breaks the world through state (see FakeCluster.updateState):
  nodes[N].hostname          what `hostname` says on N (default N)
  nodes[N].pveRelease        Proxmox VE major of `pveversion` (default: the plan's)
  nodes[N].disks[DEV]        {"missing": true} or {"fstype": F, "label": L}: what lsblk sees on DEV
  nodes[N].vipHeld           whether N holds the VIPs (default: N is the database's Primary)
  arpConflicts[IP]           MAC of another host that answers arping -D for IP
  unreachable                list of addresses that do not answer ping
  corosyncDown               list of node names whose knet links are disconnected
"""
import fcntl
import json
import re
import os
import shutil
import sys

STATE_DIR = os.environ["FAKE_STATE"]
NODE = os.environ["FAKE_NODE"]
ROOT = os.environ["FAKE_ROOT"]
CMD = os.path.basename(sys.argv[0])
ARGV = sys.argv[1:]

# Units a package enables and starts when it is installed (Debian's default for services).
PACKAGE_UNITS = {
    "linstor-controller": "linstor-controller.service",
    "linstor-satellite": "linstor-satellite.service",
    "drbd-reactor": "drbd-reactor.service",
    "keepalived": "keepalived.service",
}
DB_MOUNT_UNIT = "var-lib-linstor.mount"
DB_SERVICES_TARGET = "drbd-services@linstor_db.target"


def out(text=""):
    sys.stdout.write(text + ("\n" if text and not text.endswith("\n") else ""))


def err(text):
    sys.stderr.write(f"{CMD} (fake): {text}\n")


class Fail(Exception):
    def __init__(self, code, message):
        super().__init__(message)
        self.code = code
        self.message = message


def node_state(state, name=NODE):
    nodes = state.setdefault("nodes", {})
    return nodes.setdefault(
        name,
        {"units": {}, "packages": [], "zpools": {}, "drbdRole": "Secondary", "attrs": {}, "drbdLoaded": False},
    )


def unit_name(unit):
    return unit if "." in unit else unit + ".service"


def unit(state, name, node=NODE, create=False):
    """A unit's state; reading an unknown unit does not record it."""
    units = node_state(state, node)["units"]
    if create:
        return units.setdefault(unit_name(name), {"enabled": False, "active": False})
    return units.get(unit_name(name), {"enabled": False, "active": False})


def cluster_config():
    with open(os.path.join(STATE_DIR, "cluster.json")) as f:
        return json.load(f)


# ---------------------------------------------------------------- systemd, packages, kernel


def fake_systemctl(state):
    args = [a for a in ARGV if not a.startswith("-")]
    quiet = "--quiet" in ARGV or "-q" in ARGV
    verb, units = args[0], [unit_name(u) for u in args[1:]]
    if verb == "is-active":
        active = all(unit(state, u)["active"] for u in units)
        if not quiet:
            out("active" if active else "inactive")
        return 0 if active else 3, False
    if verb == "is-enabled":
        enabled = all(unit(state, u)["enabled"] for u in units)
        if not quiet:
            out("enabled" if enabled else "disabled")
        return 0 if enabled else 1, False
    if verb == "daemon-reload":
        return 0, True
    for u in units:
        if verb in ("start", "restart") and u == "linstor-satellite.service" and "--no-block" not in ARGV:
            satellite_would_block(state)
        s = unit(state, u, create=verb != "try-restart" or unit(state, u)["active"])
        if verb in ("start", "restart") or (verb == "try-restart" and s["active"]):
            if u == DB_MOUNT_UNIT and not s["active"]:
                mount_db(state)
            s["active"] = True
            # drbd-reactor's promoter, where the database is Primary already, starts its target.
            if u == "drbd-reactor.service" and node_state(state)["drbdRole"] == "Primary":
                unit(state, DB_SERVICES_TARGET, create=True)["active"] = True
        elif verb == "reload":
            if not s["active"]:
                raise Fail(1, f"Job for {u} failed: unit is not active")
        elif verb == "stop":
            if u == DB_MOUNT_UNIT and s["active"]:
                unmount_db()
            s["active"] = False
        elif verb == "enable":
            s["enabled"] = True
        elif verb == "disable":
            s["enabled"] = False
        elif verb != "try-restart":
            raise Fail(64, f"unknown systemctl verb {verb}")
    return 0, True


# The DRBD filesystem's files, replicated: one folder for the cluster, in the fake's state. Mounting
# moves it over /var/lib/linstor (the local folder moves under it, as a mount hides it); unmounting
# moves both back.
def drbd_fs_dir():
    return os.path.join(STATE_DIR, "drbd-fs", "linstor_db")


def hidden_local_dir():
    return os.path.join(ROOT, ".fake-under-mount", "var-lib-linstor")


def satellite_would_block(state):
    """A Type=notify satellite (its drop-in says so) is ready only once a controller connected to
    it, i.e. once the node is registered: a blocking start before that would never return."""
    drop_in = os.path.join(ROOT, "etc/systemd/system/linstor-satellite.service.d/homegarden.conf")
    notify = os.path.isfile(drop_in) and "Type=notify" in open(drop_in).read()
    registered = NODE in state.get("linstor", {}).get("nodes", {})
    if notify and not registered:
        raise Fail(1, "start blocks for ever: Type=notify, and no controller has connected to this satellite yet")


def mount_db(state):
    me = node_state(state)
    if me["drbdRole"] != "Primary":
        raise Fail(1, "mount: /var/lib/linstor: wrong fs type... (DRBD device is Secondary)")
    if not state.get("linstor", {}).get("filesystems", {}).get("linstor_db"):
        raise Fail(1, "mount: /var/lib/linstor: wrong fs type, bad option, bad superblock")
    if not os.path.isdir(db_path()):
        raise Fail(32, "mount: /var/lib/linstor: mount point does not exist.")
    os.makedirs(os.path.dirname(hidden_local_dir()), exist_ok=True)
    os.rename(db_path(), hidden_local_dir())
    os.rename(drbd_fs_dir(), db_path())


def unmount_db():
    os.rename(db_path(), drbd_fs_dir())
    os.rename(hidden_local_dir(), db_path())


def fake_apt_get(state):
    args = [a for a in ARGV if not a.startswith("-")]
    if args[0] == "update":
        return 0, True
    if args[0] == "install":
        me = node_state(state)
        for package in args[1:]:
            if package.endswith(".deb"):
                # A local package file, as apt takes it: the package name comes first in the file name.
                if not os.path.isfile(package):
                    raise Fail(100, f"E: Unsupported file {package} given on commandline")
                package = os.path.basename(package).split("_")[0]
            if package not in me["packages"]:
                me["packages"].append(package)
                if package in PACKAGE_UNITS:
                    u = unit(state, PACKAGE_UNITS[package], create=True)
                    u["enabled"] = u["active"] = True
        return 0, True
    raise Fail(100, f"unexpected apt-get {' '.join(ARGV)}")


TOOL_OF_PACKAGE = {
    "linstor-controller": "linstor",
    "linstor-satellite": "linstor",
    "drbd-reactor": "drbdReactor",
    "keepalived": "keepalived",
}


def package_version(state, package):
    """packageVersions[package] of the node, else the config's target with a patch level (1.31 → 1.31.1-1)."""
    pinned = node_state(state).get("packageVersions", {}).get(package)
    if pinned:
        return pinned
    target = cluster_config().get("targets", {}).get(TOOL_OF_PACKAGE.get(package, ""), "1.0")
    parts = target.split(".") + ["1"] * (3 - len(target.split(".")))
    # keepalived's Debian version carries an epoch, as Debian's does.
    return ("1:" if package == "keepalived" else "") + ".".join(parts[:3]) + "-1"


def fake_uname(state):
    if ARGV != ["-r"]:
        raise Fail(1, f"unexpected uname {' '.join(ARGV)}")
    out(node_state(state).get("kernel", "6.14.8-2-pve"))
    return 0, False


def fake_dpkg_query(state):
    package = ARGV[-1]
    if package in node_state(state)["packages"]:
        out(package_version(state, package) if "-f=${Version}" in ARGV else "install ok installed")
        return 0, False
    err(f"no packages found matching {package}")
    return 1, False


def fake_modprobe(state):
    if ARGV != ["drbd"]:
        raise Fail(1, f"unexpected modprobe {' '.join(ARGV)}")
    sysfs = os.environ["HOMEGARDEN_SYSFS"]
    os.makedirs(os.path.join(sysfs, "module", "drbd"), exist_ok=True)
    # drbdModuleVersion: what modprobe loads (e.g. the kernel's own 8.4 when dkms built nothing).
    with open(os.path.join(sysfs, "module", "drbd", "version"), "w") as f:
        drbd = cluster_config().get("targets", {}).get("drbd", "9.2")
        f.write(node_state(state).get("drbdModuleVersion", ".".join((drbd.split(".") + ["0", "0"])[:2]) + ".12") + "\n")
    node_state(state)["drbdLoaded"] = True
    return 0, True


def fake_sysctl(state):
    return 0, True


def fake_ifreload(state):
    return 0, True


def fake_timeout(state):
    # run.sh's TCP probe: timeout 3 bash -c 'exec 3<>"/dev/tcp/$1/$2"' _ HOST PORT
    if len(ARGV) >= 4 and ARGV[1:3] == ["bash", "-c"] and "/dev/tcp/" in ARGV[3]:
        host, port = ARGV[-2], int(ARGV[-1])
        state.setdefault("probes", []).append(f"{host}:{port}")
        return (0 if probe_open(state, host, port) else 1), False
    if len(ARGV) >= 2 and ARGV[1] == "openssl":
        return openssl(state, ARGV[2:])
    raise Fail(125, f"only run.sh's TCP probe or openssl is expected here, not: timeout {' '.join(ARGV)}")


def api_issuer(state, name):
    """The issuer of NAME's Proxmox API certificate: the cluster's CA (the founder's) once NAME is a
    member whose join has settled, else NAME's own CA (each CA's subject has its own UUID)."""
    cluster = state.get("pve")
    ca = name
    if cluster and name in cluster["members"] and cluster.get("settling") != name:
        ca = cluster["founder"]
    return f"CN = Proxmox Virtual Environment, OU = fake-uuid-of-{ca}, O = PVE Cluster Manager CA"


def openssl(state, argv):
    if argv[:1] == ["s_client"] and "-connect" in argv:
        host, _, port = argv[argv.index("-connect") + 1].rpartition(":")
        name = next((n for n, c in cluster_config()["nodes"].items() if c["management"] == host), None)
        if name is None or port != "8006":
            err(f"connect:errno=113 ({host}:{port})")
            return 1, False
        out("-----BEGIN CERTIFICATE-----")
        out(f"fake issuer={api_issuer(state, name)}")
        out("-----END CERTIFICATE-----")
        return 0, False
    if argv[:1] == ["x509"] and "-issuer" in argv:
        for line in sys.stdin.read().splitlines():
            if line.startswith("fake issuer="):
                out(line[len("fake "):])
                return 0, False
        err("Could not find certificate from <stdin>")
        return 1, False
    raise Fail(1, f"unexpected openssl {' '.join(argv)}")


def fake_openssl(state):
    return openssl(state, ARGV)


def probe_open(state, host, port):
    config = cluster_config()
    if port == config["prometheusPort"] and host in ("127.0.0.1", "::1"):
        return unit(state, "drbd-reactor")["active"]
    if host == config.get("repository", {}).get("host") and port == config["repository"]["port"]:
        return "repository" not in state.get("unreachable", [])
    if port == 3370 and host == config["vips"][0]:
        return any(
            vip_held(state, name) and unit(state, "linstor-controller", name)["active"] for name in config["nodes"]
        )
    for name, n in config["nodes"].items():
        if port == 8006 and host == n["management"]:
            return True
        if port == 3366 and host == n["storage"]:
            return unit(state, "linstor-satellite", name)["active"]
        if port == 3370 and host == n["storage"]:
            return unit(state, "linstor-controller", name)["active"]
    return False


# ---------------------------------------------------------------- host, NICs, addresses


def fake_hostname(state):
    out(node_state(state).get("hostname", NODE))
    return 0, False


def fake_pveversion(state):
    release = node_state(state).get("pveRelease", cluster_config()["proxmoxRelease"])
    out(f"pve-manager/{release}.0.3/c1689ccb1065a83b (running kernel: 6.14.8-2-pve)")
    return 0, False


def fake_arping(state):
    # iputils arping: -V prints the version; -D -c N -w S -I IFACE ADDR is duplicate address detection.
    if ARGV == ["-V"]:
        out("arping from iputils 20240905")
        return 0, False
    if "-D" not in ARGV or "-I" not in ARGV:
        raise Fail(2, f"only duplicate address detection is expected, not: arping {' '.join(ARGV)}")
    iface, address = ARGV[ARGV.index("-I") + 1], ARGV[-1]
    out(f"ARPING {address} from 0.0.0.0 {iface}")
    mac = state.get("arpConflicts", {}).get(address)
    if mac:
        out(f"Unicast reply from {address} [{mac.upper()}]  0.712ms")
        out("Sent 1 probes (1 broadcast(s))\nReceived 1 response(s)")
        return 1, False
    out("Sent 2 probes (2 broadcast(s))\nReceived 0 response(s)")
    return 0, False


def fake_ping(state):
    if "-c" not in ARGV or "-W" not in ARGV:
        raise Fail(2, f"only bounded pings are expected, not: ping {' '.join(ARGV)}")
    address = ARGV[-1]
    known = any(address in n["ring"] or address == n["management"] for n in cluster_config()["nodes"].values())
    if known and address not in state.get("unreachable", []):
        out(f"1 packets transmitted, 1 received, 0% packet loss")
        return 0, False
    out(f"1 packets transmitted, 0 received, 100% packet loss")
    return 1, False


def vip_held(state, name):
    me = node_state(state, name)
    return me.get("vipHeld", me["drbdRole"] == "Primary")


def fake_ip(state):
    if ARGV[:4] != ["-o", "-4", "addr", "show"]:
        raise Fail(1, f"only `ip -o -4 addr show` is expected, not: ip {' '.join(ARGV)}")
    config = cluster_config()
    mine = config["nodes"][NODE]
    lines = [("lo", "127.0.0.1/8"), (mine["storageIface"], mine["storageCidr"])]
    if vip_held(state, NODE):
        lines += [(mine["storageIface"], vip) for vip in config["vipCidrs"]]
    for i, (dev, cidr) in enumerate(lines, 1):
        out(f"{i}: {dev}    inet {cidr} scope global {dev}\\       valid_lft forever preferred_lft forever")
    return 0, False


def fake_corosync_cfgtool(state):
    if ARGV != ["-s"]:
        raise Fail(1, f"unexpected corosync-cfgtool {' '.join(ARGV)}")
    cluster = state.get("pve")
    if not cluster or NODE not in cluster["members"]:
        out("Could not initialize corosync configuration API error 2")
        return 1, False
    config = cluster_config()
    names = list(config["nodes"])
    down = state.get("corosyncDown", [])
    out(f"Local node ID {names.index(NODE) + 1}, transport knet")
    for link, address in enumerate(config["nodes"][NODE]["corosync"]):
        out(f"LINK ID {link} udp\n\taddr\t= {address}\n\tstatus:")
        for nodeid, name in enumerate(names, 1):
            if name == NODE:
                status = "localhost"
            elif name in cluster["members"] and name not in down and NODE not in down:
                status = "connected"
            else:
                status = "disconnected"
            out(f"\t\tnodeid: {nodeid:2d}:\t{status}")
    return 0, False


def fake_pvesm(state):
    if ARGV[:2] != ["status", "--storage"]:
        raise Fail(1, f"unexpected pvesm {' '.join(ARGV)}")
    storage = ARGV[2]
    try:
        with open(os.path.join(ROOT, "etc/pve/storage.cfg")) as f:
            defined = f"drbd: {storage}" in f.read().splitlines()
    except FileNotFoundError:
        defined = False
    if not defined:
        err(f"storage '{storage}' does not exist")
        return 255, False
    active = controller_up(state) and unit(state, "linstor-satellite")["active"]
    out("Name             Type     Status           Total            Used       Available        %")
    out(f"{storage:<16} drbd     {'active' if active else 'inactive':<8}     104857600         1048576       103809024    1.00%")
    return 0, False


def fake_lsblk(state):
    # lsblk -nPpo PATH,TYPE,FSTYPE,LABEL -- DEVICE: the disk, then its partitions.
    device = ARGV[-1]
    me = node_state(state)
    disk = me.get("disks", {}).get(device, {})
    if disk.get("missing") or device not in cluster_config()["nodes"][NODE]["devices"]:
        err(f"{device}: not a block device")
        return 32, False
    pool = next((name for name, layout in me["zpools"].items() if device in layout), None)
    out(f'PATH="{device}" TYPE="disk" FSTYPE="" LABEL=""')
    if pool is not None:
        # zpool create on a whole disk partitions it: part 1 holds the pool, part 9 is reserved.
        out(f'PATH="{device}p1" TYPE="part" FSTYPE="zfs_member" LABEL="{pool}"')
        out(f'PATH="{device}p9" TYPE="part" FSTYPE="" LABEL=""')
    elif disk.get("fstype"):
        out(f'PATH="{device}p1" TYPE="part" FSTYPE="{disk["fstype"]}" LABEL="{disk.get("label", "")}"')
    return 0, False


# ---------------------------------------------------------------- ZFS, files, mounts


def fake_zpool(state):
    zpools = node_state(state)["zpools"]
    if ARGV[0] == "list":
        name = ARGV[-1]
        if name in zpools:
            out(name)
            return 0, False
        err(f"cannot open '{name}': no such pool")
        return 1, False
    if ARGV[0] == "create":
        name, layout = ARGV[1], ARGV[2:]
        if name in zpools:
            raise Fail(1, f"cannot create '{name}': pool already exists")
        zpools[name] = layout
        return 0, True
    raise Fail(1, f"unexpected zpool {' '.join(ARGV)}")


def db_path():
    return os.path.join(ROOT, "var/lib/linstor")


def is_db_mounted(state):
    return unit(state, DB_MOUNT_UNIT)["active"]


def attr_key(state, path):
    path = os.path.normpath(path)
    # Once the filesystem is mounted, /var/lib/linstor is the root of the DRBD filesystem.
    if path == os.path.normpath(db_path()) and is_db_mounted(state):
        return "/var/lib/linstor (mounted filesystem root)"
    return "/" + os.path.relpath(path, ROOT)


def fake_mountpoint(state):
    path = ARGV[-1]
    mounted = os.path.normpath(path) == os.path.normpath(db_path()) and is_db_mounted(state)
    if "-q" not in ARGV:
        out(f"{path} is {'' if mounted else 'not '}a mountpoint")
    return 0 if mounted else 32, False


def fake_chattr(state):
    flag, path = ARGV[0], ARGV[1]
    if not os.path.exists(path):
        raise Fail(1, f"No such file or directory while trying to stat {path}")
    attrs = node_state(state)["attrs"]
    key = attr_key(state, path)
    current = set(attrs.get(key, ""))
    if flag == "+i":
        current.add("i")
    elif flag == "-i":
        current.discard("i")
    else:
        raise Fail(1, f"unexpected chattr {flag}")
    attrs[key] = "".join(sorted(current))
    return 0, True


def fake_lsattr(state):
    path = ARGV[-1]
    if not os.path.exists(path):
        raise Fail(1, f"No such file or directory while trying to stat {path}")
    flags = node_state(state)["attrs"].get(attr_key(state, path), "")
    out(("----i---------e-------" if "i" in flags else "--------------e-------") + " " + path)
    return 0, False


def fake_blkid(state):
    device = ARGV[-1]
    fs = state.get("linstor", {}).get("filesystems", {})
    for resource, kind in fs.items():
        if device == f"/dev/drbd/by-res/{resource}/0":
            out(f'{device}: UUID="00000000-0000-4000-8000-000000000000" BLOCK_SIZE="4096" TYPE="{kind}"')
            return 0, False
    return 2, False


def fake_mkfs_ext4(state):
    device = ARGV[-1]
    prefix = "/dev/drbd/by-res/"
    if not device.startswith(prefix):
        raise Fail(1, f"unexpected device {device}")
    resource = device[len(prefix) :].split("/")[0]
    if node_state(state)["drbdRole"] != "Primary":
        raise Fail(1, f"{device}: Wrong medium type while trying to determine filesystem size (DRBD Secondary)")
    state.setdefault("linstor", {}).setdefault("filesystems", {})[resource] = "ext4"
    # A new, empty filesystem.
    shutil.rmtree(drbd_fs_dir(), ignore_errors=True)
    os.makedirs(os.path.join(drbd_fs_dir(), "lost+found"))
    return 0, True


def passthrough(real):
    def run(state):
        return ("exec", real), True

    return run


# ---------------------------------------------------------------- Proxmox cluster


def pve_link():
    return os.path.join(ROOT, "etc/pve")


def shared_pve():
    return os.path.join(STATE_DIR, "pmxcfs")


def fake_pvecm(state):
    cluster = state.get("pve")
    if ARGV[0] == "create":
        if cluster:
            raise Fail(255, "cluster config '/etc/pve/corosync.conf' already exists")
        # This node's /etc/pve becomes the cluster's file system.
        shutil.copytree(pve_link(), shared_pve())
        shutil.rmtree(pve_link())
        os.symlink(shared_pve(), pve_link())
        with open(os.path.join(shared_pve(), "corosync.conf"), "w") as f:
            f.write(f"# fake corosync.conf of cluster {ARGV[1]}\n")
        state["pve"] = {"name": ARGV[1], "founder": NODE, "members": [NODE], "links": {NODE: ARGV[2:]}}
        return 0, True
    if ARGV[0] == "add":
        if not cluster:
            raise Fail(255, f"unable to join: no cluster at {ARGV[1]}")
        first = cluster["founder"]
        if cluster_config()["nodes"][first]["management"] != ARGV[1]:
            raise Fail(255, f"{ARGV[1]} is not a member of the cluster")
        if NODE in cluster["members"]:
            raise Fail(255, "this host already contains virtual guests / is already a member")
        # Until the last joiner's corosync and pmxcfs are up (its next command), the cluster has
        # no quorum for another join (pve-cluster check_cfs_quorum).
        if cluster.get("settling"):
            raise Fail(255, "cluster not ready - no quorum?")
        cluster["settling"] = NODE
        shutil.rmtree(pve_link())
        os.symlink(shared_pve(), pve_link())
        cluster["members"] = sorted(cluster["members"] + [NODE])
        cluster["links"][NODE] = ARGV[2:]
        return 0, True
    if ARGV[0] == "status":
        if not cluster or NODE not in cluster["members"]:
            err("Corosync config '/etc/pve/corosync.conf' does not exist - is this node part of a cluster?")
            return 2, False
        out("Cluster information\n-------------------\nName:             " + cluster["name"])
        out(f"\nQuorum information\n------------------\nNodes:            {len(cluster['members'])}")
        out("Quorate:          Yes")
        return 0, False
    raise Fail(1, f"unexpected pvecm {' '.join(ARGV)}")


# ---------------------------------------------------------------- DRBD


def db_resource_here(state, resource, node=NODE):
    linstor = state.get("linstor", {})
    rd = linstor.get("resourceDefinitions", {}).get(resource)
    return rd is not None and node in rd["nodes"] and unit(state, "linstor-satellite", node)["active"]


def fake_drbdadm(state):
    verb, resource = ARGV[0], ARGV[-1]
    if not db_resource_here(state, resource):
        err(f"'{resource}' not defined in your config (for this host).")
        return 10, False
    me = node_state(state)
    peers = [n for n in state["linstor"]["resourceDefinitions"][resource]["nodes"] if n != NODE]
    # drbdDown: defined by LINSTOR's .res file but not up (after a reboot); adjust brings it up.
    if verb == "dump":
        out(f"resource {resource} {{ }}")
        return 0, False
    if verb == "adjust":
        me.pop("drbdDown", None)
        return 0, True
    if me.get("drbdDown"):
        err(f"{resource}: No such resource")
        return 10, False
    if verb == "status":
        out(f"{resource} role:{me['drbdRole']}")
        out("  disk:UpToDate")
        for peer in peers:
            connected = db_resource_here(state, resource, peer)
            if connected:
                out(f"  {peer} role:{node_state(state, peer)['drbdRole']}")
                out("    peer-disk:UpToDate")
            else:
                out(f"  {peer} connection:Connecting")
        return 0, False
    if verb == "role":
        out(me["drbdRole"])
        return 0, False
    if verb == "primary":
        for peer in peers:
            if node_state(state, peer)["drbdRole"] == "Primary":
                raise Fail(11, f"{resource}: State change failed: (-1) Multiple primaries not allowed by config")
        me["drbdRole"] = "Primary"
        return 0, True
    if verb == "secondary":
        me["drbdRole"] = "Secondary"
        return 0, True
    raise Fail(1, f"unexpected drbdadm {' '.join(ARGV)}")


# ---------------------------------------------------------------- LINSTOR


def linstor_db(state):
    return state.setdefault(
        "linstor",
        {
            "nodes": {},
            "storagePools": {},
            "resourceGroups": {},
            "resourceDefinitions": {},
            "filesystems": {},
        },
    )


def controller_up(state):
    return any(unit(state, "linstor-controller", name)["active"] for name in cluster_config()["nodes"])


def option_values(args, names):
    """--name value / --name=value pairs and positionals."""
    found, positional, i = {}, [], 0
    while i < len(args):
        a = args[i]
        if a.startswith("--"):
            key, eq, value = a[2:].partition("=")
            if not eq:
                if key in names:
                    value = args[i + 1]
                    i += 1
                else:
                    value = ""
            found[key] = value
        else:
            positional.append(a)
        i += 1
    return found, positional


# MASK_ERROR (0xC000000000000000) with an object, an operation and a code, as a signed 64-bit number.
STOR_POOL_CRT_ERROR = (0xC000000000000000 | 0x0000000001000000 | 0x0000000000100000 | 1) - (1 << 64)


# Where LINSTOR keeps a few DRBD options and the unit it stores a size in (drbdsetup.xml:
# c-max-rate and c-min-rate unit_prefix k, c-fill-target s); any other option: Resource, as given.
DRBD_OPTION_STORAGE = {"c-max-rate": ("PeerDevice", 1024), "c-min-rate": ("PeerDevice", 1024), "c-fill-target": ("PeerDevice", 512)}
SIZE_UNITS = {"b": 1, "s": 512, "k": 1024, "kib": 1024, "kb": 1000, "m": 1 << 20, "mib": 1 << 20, "mb": 10**6, "g": 1 << 30, "gib": 1 << 30, "gb": 10**9}


def fake_linstor(state):
    args = list(ARGV)
    machine = False
    while args and args[0].startswith("-"):
        if args[0] == "--controllers":
            args = args[2:]
        elif args[0] == "-m":
            machine = True
            args = args[1:]
        elif args[0] == "--output-version":
            if args[1] != "v1":
                raise Fail(2, "only v1 here")
            args = args[2:]
        else:
            raise Fail(2, f"unexpected global option {args[0]}")
    if not controller_up(state):
        err("Error: Unable to connect to linstor://10.100.4.100:3370: [Errno 111] Connection refused")
        return 20, False
    db = linstor_db(state)
    obj, verb, rest = args[0], args[1], args[2:]
    opts, pos = option_values(
        rest,
        {"nodes", "storage-pools", "resource-groups", "resource-definitions", "storage-pool", "place-count",
         "diskless-on-remaining"},
    )

    def listing(objects):
        if not machine:
            raise Fail(2, "the fake answers lists only with -m --output-version v1")
        out(json.dumps([objects], indent=2))
        return 0, False

    def check_absent(table, key, what):
        if key in table:
            raise Fail(10, f"ERROR: {what} '{key}' already exists")

    nodes = db["nodes"]
    if obj == "controller" and verb == "version":
        out("linstor controller 1.31.3; GIT-hash: fake")
        return 0, False
    if obj == "controller" and verb == "list-properties":
        props = db.setdefault("controllerProps", {})
        if not machine:
            raise Fail(2, "the fake answers lists only with -m --output-version v1")
        # As the client prints it: one list of key/value objects, or nothing at all when empty.
        out(json.dumps([[{"key": k, "value": v} for k, v in sorted(props.items())]], indent=2) if props else "")
        return 0, False
    if obj == "controller" and verb == "set-property":
        key, value = pos
        db.setdefault("controllerProps", {})[key] = value
        return 0, True
    if obj == "node":
        if verb == "list":
            wanted = opts.get("nodes", "").split()
            return listing(
                [
                    {
                        "name": name,
                        "type": "SATELLITE",
                        "props": dict(n["props"]),
                        "flags": [],
                        "net_interfaces": [{"name": "default", "address": n["address"], "satellite_port": 3366}],
                        "connection_status": "ONLINE"
                        if unit(state, "linstor-satellite", name)["active"]
                        else "OFFLINE",
                    }
                    for name, n in sorted(nodes.items())
                    if not wanted or name in wanted
                ]
            )
        if verb == "create":
            name, address = pos
            check_absent(nodes, name, "Node")
            nodes[name] = {"address": address, "props": {}}
            return 0, True
        if verb == "set-property":
            name, key, value = pos
            if name not in nodes:
                raise Fail(10, f"ERROR: Node '{name}' not found")
            nodes[name]["props"][key] = value
            return 0, True
    if obj == "storage-pool":
        pools = db["storagePools"]
        if verb == "list":
            wanted_nodes = opts.get("nodes", "").split()
            wanted_pools = opts.get("storage-pools", "").split()
            return listing(
                [
                    {
                        "storage_pool_name": p["name"],
                        "node_name": p["node"],
                        "provider_kind": "ZFS_THIN",
                        "props": {"StorDriver/ZPoolThin": p["zpool"]},
                        # An error report: a ret_code with both type bits of MASK_ERROR set, as the signed
                        # 64-bit number LINSTOR sends (built here: JavaScript, which also writes the
                        # state, cannot hold it exactly).
                        "reports": [{"ret_code": STOR_POOL_CRT_ERROR, "message": p["error"]}] if p.get("error") else [],
                    }
                    for key, p in sorted(pools.items())
                    if (not wanted_nodes or p["node"] in wanted_nodes)
                    and (not wanted_pools or p["name"] in wanted_pools)
                ]
            )
        if verb == "create":
            kind, node, name, zpool = pos
            if node not in nodes:
                raise Fail(10, f"ERROR: Node '{node}' not found")
            if not unit(state, "linstor-satellite", node)["active"]:
                raise Fail(10, f"ERROR: No active connection to satellite '{node}'")
            check_absent(pools, f"{node}/{name}", "Storage pool")
            # As LINSTOR does: the pool is committed first, and the satellite's refusal of a missing
            # zpool only leaves an error report on it (CtrlStorPoolCrtApiCallHandler).
            pools[f"{node}/{name}"] = {"name": name, "node": node, "kind": kind, "zpool": zpool}
            if zpool not in node_state(state, node)["zpools"]:
                message = f"(Node: '{node}') Failed to query free space from storage pool '{name}': no zfs dataset '{zpool}'"
                pools[f"{node}/{name}"]["error"] = message
                raise Fail(10, f"ERROR: {message}")
            return 0, True
        if verb == "delete":
            node, name = pos
            if f"{node}/{name}" not in pools:
                raise Fail(10, f"ERROR: Storage pool '{name}' on node '{node}' not found")
            del pools[f"{node}/{name}"]
            return 0, True
    if obj == "resource-group":
        groups = db["resourceGroups"]
        if verb == "list":
            wanted = opts.get("resource-groups", "").split()
            return listing(
                [
                    {
                        "name": name,
                        "props": dict(g["props"]),
                        "select_filter": g["filter"],
                        "volume_groups": len(g["volumeGroups"]),
                    }
                    for name, g in sorted(groups.items())
                    if not wanted or name in wanted
                ]
            )
        if verb == "create":
            (name,) = pos
            check_absent(groups, name, "Resource group")
            groups[name] = {
                "props": {},
                "volumeGroups": [],
                "filter": {
                    "storage_pool": opts.get("storage-pool"),
                    "place_count": int(opts.get("place-count", "2")),
                    "diskless_on_remaining": opts.get("diskless-on-remaining") == "true",
                },
            }
            return 0, True
        if verb == "drbd-options":
            (name,) = pos
            if name not in groups:
                raise Fail(10, f"ERROR: Resource group '{name}' not found")
            for key, value in opts.items():
                section, to_unit = DRBD_OPTION_STORAGE.get(key, ("Resource", None))
                if to_unit is not None:
                    # As the client converts a size (linstor-api-py SizeCalc): number, unit, truncated.
                    number, suffix = re.fullmatch(r"(\d+)\s*([A-Za-z]*)", value).groups()
                    value = str(int(number) * SIZE_UNITS[(suffix or "b").lower()] // to_unit)
                groups[name]["props"][f"DrbdOptions/{section}/{key}"] = value
            return 0, True
        if verb == "spawn-resources":
            group, resource, size = pos
            g = groups.get(group)
            if not g or not g["volumeGroups"]:
                raise Fail(10, f"ERROR: Resource group '{group}' has no volume group")
            if resource in db["resourceDefinitions"]:
                raise Fail(10, f"ERROR: Resource definition '{resource}' already exists")
            candidates = sorted(
                p["node"] for p in db["storagePools"].values() if p["name"] == g["filter"]["storage_pool"]
            )
            if len(candidates) < g["filter"]["place_count"]:
                raise Fail(10, f"ERROR: Not enough available nodes for {resource}")
            db["resourceDefinitions"][resource] = {
                "group": group,
                "size": size,
                "nodes": candidates[: g["filter"]["place_count"]],
            }
            return 0, True
    if obj == "volume-group":
        groups = db["resourceGroups"]
        (name,) = pos
        if name not in groups:
            raise Fail(10, f"ERROR: Resource group '{name}' not found")
        if verb == "list":
            return listing([{"volume_number": n, "props": {}, "flags": []} for n in groups[name]["volumeGroups"]])
        if verb == "create":
            if groups[name]["volumeGroups"]:
                raise Fail(10, f"ERROR: Volume group 0 of '{name}' already exists")
            groups[name]["volumeGroups"].append(0)
            return 0, True
    if obj == "resource-definition" and verb == "list":
        wanted = opts.get("resource-definitions", "").split()
        return listing(
            [
                {"name": name, "resource_group_name": rd["group"], "props": {}}
                for name, rd in sorted(db["resourceDefinitions"].items())
                if not wanted or name in wanted
            ]
        )
    raise Fail(2, f"the fake does not know: linstor {' '.join(ARGV)}")


HANDLERS = {
    "systemctl": fake_systemctl,
    "apt-get": fake_apt_get,
    "dpkg-query": fake_dpkg_query,
    "modprobe": fake_modprobe,
    "sysctl": fake_sysctl,
    "ifreload": fake_ifreload,
    "timeout": fake_timeout,
    "zpool": fake_zpool,
    "mountpoint": fake_mountpoint,
    "chattr": fake_chattr,
    "lsattr": fake_lsattr,
    "blkid": fake_blkid,
    "mkfs.ext4": fake_mkfs_ext4,
    "pvecm": fake_pvecm,
    "drbdadm": fake_drbdadm,
    "linstor": fake_linstor,
    "hostname": fake_hostname,
    "pveversion": fake_pveversion,
    "arping": fake_arping,
    "ping": fake_ping,
    "ip": fake_ip,
    "corosync-cfgtool": fake_corosync_cfgtool,
    "pvesm": fake_pvesm,
    "lsblk": fake_lsblk,
    "uname": fake_uname,
    "openssl": fake_openssl,
    # Real file commands, recorded on the way (the seed's mv/cp of the controller database).
    "mv": passthrough("/bin/mv"),
    "cp": passthrough("/bin/cp"),
    "install": passthrough("/usr/bin/install"),
}

# Calls that only read: never counted as changes even when a handler is reached.
READ_ONLY = {"dpkg-query", "mountpoint", "lsattr", "blkid", "timeout"} | {
    "hostname",
    "pveversion",
    "arping",
    "ping",
    "ip",
    "corosync-cfgtool",
    "pvesm",
    "lsblk",
    "uname",
    "openssl",
}


def main():
    if CMD == "sleep":
        # run.sh's waits poll every few seconds; here a poll is a moment, without the lock.
        import time

        time.sleep(0.2)
        return 0
    if CMD == "openssl" and ARGV[:1] == ["x509"]:
        # A filter of another fake's output: it reads its input before (never while) holding the lock.
        code, _ = openssl({}, ARGV)
        return code
    handler = HANDLERS.get(CMD)
    if handler is None:
        err("no fake for this command")
        return 127
    with open(os.path.join(STATE_DIR, "lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        path = os.path.join(STATE_DIR, "state.json")
        with open(path) as f:
            state = json.load(f)
        state["seq"] = state.get("seq", 0) + 1
        # A joined node's next command: its corosync and pmxcfs are up, the cluster is quorate again.
        if state.get("pve", {}).get("settling") == NODE and CMD != "pvecm":
            del state["pve"]["settling"]
        entry = {"seq": state["seq"], "node": NODE, "cmd": CMD, "argv": ARGV}
        code, mutating, exec_real, failure = 0, False, None, None
        queued = state.get("failOnce", [])
        joined = " ".join([CMD] + ARGV)
        match = next((f for f in queued if f["node"] == NODE and joined.startswith(f["prefix"])), None)
        if match:
            queued.remove(match)
            code, failure = 1, "injected failure"
        else:
            try:
                result, mutating = handler(state)
                if isinstance(result, tuple):
                    exec_real = result[1]
                else:
                    code = result
            except Fail as f:
                code, failure = f.code, f.message
        entry["mutating"] = bool(mutating) and CMD not in READ_ONLY and failure is None
        entry["exit"] = code
        if failure:
            entry["error"] = failure
        with open(os.path.join(STATE_DIR, "calls.jsonl"), "a") as log:
            log.write(json.dumps(entry) + "\n")
        with open(path + ".tmp", "w") as f:
            json.dump(state, f, indent=1, sort_keys=True)
        os.replace(path + ".tmp", path)
    if failure:
        err(failure)
    if exec_real:
        os.execv(exec_real, [CMD] + ARGV)
    return code


if __name__ == "__main__":
    sys.exit(main())
