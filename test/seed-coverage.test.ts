/**
 * Every step of the seed procedure appears in some bundle, on the node the seed ran it on, in the
 * seed's order, with the seed's mistakes corrected (shared/DESIGN.md, "Seed mistakes").
 */
import { renderConfig, type Rendered } from "./support/render.js";

const FIRST = "pivoine";
const OTHERS = ["petunia", "dahlia"];
const ALL = [FIRST, ...OTHERS];

/** Position of each pattern in `text`; fails when one is missing. */
function positions(text: string, patterns: RegExp[]): number[] {
  return patterns.map((p) => {
    const m = p.exec(text);
    if (!m) throw new Error(`missing ${p}`);
    return m.index;
  });
}

function run(rendered: Rendered, node: string): string {
  return rendered.text(`${node}/run.sh`);
}

describe("seed procedure coverage", () => {
  let r: Rendered;
  beforeAll(async () => {
    r = await renderConfig();
  });

  test("the first node runs the seed's steps in the seed's order", () => {
    const order = positions(run(r, FIRST), [
      /run ifreload -a/,
      /run pvecm create homegarden --link0 10\.10\.0\.1 --link1 10\.100\.3\.101/,
      /install_file etc\/apt\/sources\.list\.d\/linbit\.sources/,
      /local packages=\(drbd-dkms drbd-utils drbd-reactor linstor-proxmox linstor-controller linstor-satellite linstor-client\) headers\n/,
      /headers=\(proxmox-default-headers "proxmox-headers-\$\(uname -r\)"\)/,
      /install_packages "\$\{headers\[@\]\}"/,
      /install_packages "\$\{packages\[@\]\}"/,
      /run modprobe drbd/,
      /run systemctl start linstor-controller\.service/,
      /install_file etc\/linstor\/linstor-client\.conf/,
      /run zpool create pool-nvme-01 mirror \/dev\/nvme0n1 \/dev\/nvme1n1/,
      /install_file etc\/systemd\/system\/linstor-satellite\.service\.d\/homegarden\.conf/,
      /run linstor_cli node create pivoine 10\.100\.4\.101/,
      /run linstor_cli node create dahlia 10\.100\.4\.103/,
      /run linstor_cli node set-property dahlia DrbdOptions\/AutoEvictAllowEviction false/,
      /ensure_storage_pool pivoine sto-pool_zfs-01 zfsthin pool-nvme-01/,
      /run linstor_cli resource-group create res-gr_pve --storage-pool sto-pool_zfs-01 --place-count 2 --diskless-on-remaining true/,
      /run linstor_cli volume-group create res-gr_pve/,
      /run linstor_cli resource-group create linstor-db-grp --storage-pool sto-pool_zfs-01 --place-count 3 --diskless-on-remaining true/,
      /run linstor_cli resource-group drbd-options --auto-promote=no --quorum=majority --on-suspended-primary-outdated=force-secondary --on-no-quorum=io-error --on-no-data-accessible=io-error linstor-db-grp/,
      /run linstor_cli volume-group create linstor-db-grp/,
      /run linstor_cli resource-group spawn-resources linstor-db-grp linstor_db 200M/,
      /run systemctl disable linstor-controller\.service/,
      /install_file etc\/systemd\/system\/var-lib-linstor\.mount 0644/,
      /run mv "\$db" "\$orig"/,
      /run drbdadm primary "\$DB_RESOURCE"/,
      /run mkfs\.ext4 -b 4096 "\$device"/,
      /run systemctl start var-lib-linstor\.mount/,
      /run cp -a "\$\{orig\}\/\." "\$\{db\}\/"/,
      /install_file etc\/drbd-reactor\.d\/linstor_db\.toml 0644/,
      /run systemctl restart drbd-reactor\.service/,
      /install_packages keepalived/,
      /install_file usr\/local\/bin\/check_linstor\.sh 0755/,
      /install_file etc\/keepalived\/keepalived\.conf 0600/,
      /append_fragment fragments\/pve-storage\.cfg/,
      /run systemctl try-restart pvedaemon\.service pveproxy\.service pvestatd\.service pve-ha-lrm\.service/,
      /install_file etc\/drbd-reactor\.d\/prometheus\.toml 0644/,
    ]);
    expect(order).toEqual([...order].sort((a, b) => a - b));
  });

  test.each(OTHERS)("%s joins the cluster, empties the mount point and never creates LINSTOR objects", (node) => {
    const text = run(r, node);
    expect(text).toMatch(/run pvecm add 10\.100\.3\.101 --link0 \S+ --link1 \S+/);
    expect(text).toMatch(/run mv "\$db" "\$stale"/);
    expect(text).not.toMatch(/chattr/);
    expect(text).not.toMatch(/linstor_cli (node|storage-pool|resource-group) create/);
    expect(text).not.toMatch(/mkfs/);
    expect(text).toMatch(/run systemctl disable linstor-controller\.service/);
  });

  test.each(ALL)("%s gets every per-node file of the seed", (node) => {
    const paths = r.files.filter((f) => f.path.startsWith(`${node}/files/`)).map((f) => f.path.slice(node.length + 7));
    expect(paths).toEqual(
      expect.arrayContaining([
        "etc/network/interfaces.d/homegarden-ring",
        "etc/sysctl.d/90-homegarden-ring.conf",
        "etc/apt/sources.list.d/linbit.sources",
        "etc/modules-load.d/drbd.conf",
        "etc/linstor/linstor-client.conf",
        "etc/systemd/system/linstor-satellite.service.d/homegarden.conf",
        "etc/systemd/system/var-lib-linstor.mount",
        "etc/drbd-reactor.d/linstor_db.toml",
        "etc/drbd-reactor.d/prometheus.toml",
        "etc/keepalived/keepalived.conf",
        "usr/local/bin/check_linstor.sh",
      ]),
    );
  });

  describe("seed mistakes are corrected", () => {
    test.each(ALL)("%s: VRRP adverts and the storage VIP use this node's storage NIC, not vmbr0/ens19", (node) => {
      const conf = r.text(`${node}/files/etc/keepalived/keepalived.conf`);
      expect(conf).toMatch(/^\s+interface enp1s0f1np1$/m);
      expect(conf).toMatch(/^\s+10\.100\.4\.100\/24 dev enp1s0f1np1$/m);
      expect(conf).toMatch(/^\s+10\.100\.3\.100\/24 dev vmbr1\.3$/m);
      expect(conf).not.toMatch(/vmbr0|ens19/);
      expect(conf).toMatch(/enable_script_security/);
      expect(conf).toMatch(/auth_pass \S{1,8}$/m);
    });

    test("storage pools are created on the registered node names, not pve01..03", () => {
      const text = run(r, FIRST);
      for (const node of ALL) expect(text).toContain(`ensure_storage_pool ${node} sto-pool_zfs-01 zfsthin `);
      expect(text).not.toMatch(/pve0[123]|hostnamenode/);
    });

    test.each(ALL)("%s: drbd loads via modules-load.d, not by appending to /etc/modules", (node) => {
      expect(run(r, node)).not.toContain("/etc/modules\n");
      expect(r.text(`${node}/files/etc/modules-load.d/drbd.conf`)).toMatch(/^drbd$/m);
    });

    test.each(ALL)("%s: packages are listed once, no wget, no linstor-gui guess", (node) => {
      const text = run(r, node);
      expect(text.match(/linstor-proxmox/g)).toHaveLength(1);
      expect(text).not.toMatch(/wget|curl/);
    });

    test.each(ALL)("%s: the async fio job really runs at depth 16 with an async engine", (node) => {
      const job = r.text(`${node}/bench/async-write.fio`);
      expect(job).toMatch(/^ioengine=libaio$/m);
      expect(job).toMatch(/^iodepth=16$/m);
      expect(job).toMatch(/^direct=1$/m);
    });

    test.each(ALL)("%s: the promoter has no deprecated keys and the satellite drop-in no Type=notify", (node) => {
      const promoter = r.text(`${node}/files/etc/drbd-reactor.d/linstor_db.toml`);
      expect(promoter).not.toMatch(/^\s*(id|on-stop-failure)\s*=/m);
      const dropIn = r.text(`${node}/files/etc/systemd/system/linstor-satellite.service.d/homegarden.conf`);
      expect(dropIn).toMatch(/^Environment=LS_KEEP_RES=linstor_db$/m);
      expect(dropIn).not.toMatch(/Type=notify/);
    });

    test.each(ALL)("%s: the mount unit has no [Install] section, so it is never enabled", (node) => {
      expect(r.text(`${node}/files/etc/systemd/system/var-lib-linstor.mount`)).not.toContain("[Install]");
    });
  });
});
