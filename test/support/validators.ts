/**
 * Test-support wrappers around the REAL validators for generated files.
 *
 * Every validator returns `{ ok, code, output }` (output = stdout + stderr)
 * and never throws because the validated input is bad. See VALIDATORS.md
 * beside this file for the exact commands, the exit codes observed on
 * Debian 12 (keepalived 2.2.7, systemd 252, fio 3.33, ShellCheck 0.9.0,
 * ifupdown2 3.0.0, apt 2.6.1, Python 3.11) and the caveats.
 *
 * keepalivedConfigTest() and ifupdown2Parse() need root plus the ability to
 * create network and mount namespaces (`ip netns add`, `unshare --mount`);
 * guard those tests with `haveRoot() && namespacesAvailable()`.
 * Nothing here changes the host: interfaces live in a throwaway network
 * namespace that is always deleted, and files are made to appear at their
 * absolute paths only inside a private mount namespace (overlayfs/tmpfs).
 */
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, isAbsolute, join, normalize, posix } from "node:path";

export interface ValidatorResult {
  ok: boolean;
  code: number | null;
  output: string;
}

export interface TomlParseResult extends ValidatorResult {
  /** The parsed document (JSON round-trip of Python's tomllib result) when ok. */
  value?: unknown;
}

// ---------------------------------------------------------------------------
// small helpers
// ---------------------------------------------------------------------------

const DEFAULT_TIMEOUT_MS = 120_000;

interface RunOpts {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  timeoutMs?: number;
  input?: string;
}

function run(cmd: string, args: string[], opts: RunOpts = {}): ValidatorResult {
  const r = spawnSync(cmd, args, {
    encoding: "utf8",
    env: opts.env ?? process.env,
    cwd: opts.cwd,
    timeout: opts.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    input: opts.input ?? "",
    maxBuffer: 64 * 1024 * 1024,
  });
  let output = `${r.stdout ?? ""}${r.stderr ?? ""}`;
  if (r.error) output += `${output && !output.endsWith("\n") ? "\n" : ""}[spawn error] ${String(r.error.message)}\n`;
  if (r.signal) output += `${output && !output.endsWith("\n") ? "\n" : ""}[killed by ${r.signal}]\n`;
  const code = r.status;
  return { ok: code === 0 && !r.error, code, output };
}

function fail(output: string, code: number | null = null): ValidatorResult {
  return { ok: false, code, output };
}

function makeTmp(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `${prefix}-`));
}

function rmTmp(dir: string): void {
  try {
    rmSync(dir, { recursive: true, force: true });
  } catch {
    /* ignore */
  }
}

/** POSIX-shell single-quote a string. */
function sq(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

const commandCache = new Map<string, boolean>();

/** True if `name` is found on PATH (or is an existing absolute path). */
export function haveCommand(name: string): boolean {
  const hit = commandCache.get(name);
  if (hit !== undefined) return hit;
  const r = spawnSync("sh", ["-c", `command -v ${sq(name)}`], { encoding: "utf8" });
  const found = r.status === 0 && r.stdout.trim() !== "";
  commandCache.set(name, found);
  return found;
}

export function haveRoot(): boolean {
  return process.getuid?.() === 0;
}

let nsAvailable: boolean | undefined;

/**
 * True if this process can create network + mount namespaces the way
 * keepalivedConfigTest()/ifupdown2Parse() need (root, `ip netns`,
 * `unshare --mount`, overlayfs). Cached.
 */
export function namespacesAvailable(): boolean {
  if (nsAvailable !== undefined) return nsAvailable;
  nsAvailable = false;
  if (!haveRoot() || !haveCommand("ip") || !haveCommand("unshare")) return false;
  const r = withNetns("hg-probe", (ns) =>
    run("ip", [
      "netns",
      "exec",
      ns,
      "unshare",
      "--mount",
      "--propagation",
      "private",
      "sh",
      "-c",
      "mount -t tmpfs none /mnt && grep -qw overlay /proc/filesystems",
    ]),
  );
  nsAvailable = r.ok;
  return nsAvailable;
}

/** Name like hg-ka-<pid>-<hex> so stale ones can be attributed to dead processes. */
function netnsName(prefix: string): string {
  return `${prefix}-${process.pid}-${randomBytes(3).toString("hex")}`;
}

/**
 * Create a throwaway network namespace, run fn, and ALWAYS delete it.
 */
function withNetns(prefix: string, fn: (ns: string) => ValidatorResult): ValidatorResult {
  const ns = netnsName(prefix);
  const add = run("ip", ["netns", "add", ns]);
  if (add.code !== 0) return fail(`ip netns add ${ns} failed:\n${add.output}`, add.code);
  try {
    return fn(ns);
  } finally {
    const del = run("ip", ["netns", "del", ns]);
    if (del.code !== 0) {
      // Last resort: do not leave it behind silently.
      process.stderr.write(`validators: could not delete netns ${ns}: ${del.output}\n`);
    }
  }
}

/**
 * Delete network namespaces named hg-ka-/hg-ifu-/hg-probe-<pid>-* whose
 * creating process is gone (e.g. a test run killed mid-way). Safe to call
 * from parallel jest workers: live owners' namespaces are left alone.
 */
export function cleanupStaleNamespaces(): string[] {
  const r = run("ip", ["netns", "list"]);
  if (r.code !== 0) return [];
  const removed: string[] = [];
  for (const line of r.output.split("\n")) {
    const name = line.trim().split(/\s+/)[0] ?? "";
    const m = /^hg-(?:ka|ifu|probe)-(\d+)-[0-9a-f]+$/.exec(name);
    if (!m) continue;
    const pid = Number(m[1]);
    let alive = true;
    try {
      process.kill(pid, 0);
    } catch (e) {
      alive = (e as NodeJS.ErrnoException).code === "EPERM";
    }
    if (!alive && run("ip", ["netns", "del", name]).code === 0) removed.push(name);
  }
  return removed;
}

// ---------------------------------------------------------------------------
// keepalived
// ---------------------------------------------------------------------------

export interface KeepalivedTestOptions {
  /** Interface names the config references (vrrp interface, track_interface, dev ...). Max 15 chars each. */
  interfaces: string[];
  /** Absolute path on the node -> script content. Installed root:root 0755 inside a private mount ns. */
  scripts: Record<string, string>;
  timeoutMs?: number;
}

/** Deepest existing ancestor directory of `p` (p itself if it is a directory). */
function deepestExistingDir(p: string): string {
  let cur = p;
  for (;;) {
    try {
      if (statSync(cur).isDirectory()) return cur;
    } catch {
      /* not there */
    }
    const up = dirname(cur);
    if (up === cur) return cur;
    cur = up;
  }
}

/**
 * Shell snippet (run inside a private mount namespace) that makes `files`
 * (absolute target path -> source file in our tmp dir) appear at their
 * targets by overlaying the deepest existing ancestor directory of each
 * target with an overlayfs whose upper layer lives on a private tmpfs.
 * Existing content of those directories stays visible; the host is untouched.
 */
function overlayInstallScript(work: string, files: Array<{ target: string; source: string; mode: string }>): string {
  const roots: string[] = [];
  for (const f of files) {
    const root = deepestExistingDir(dirname(f.target));
    if (root === "/") throw new Error(`refusing to overlay / for ${f.target}`);
    roots.push(root);
  }
  // keep only outermost roots
  const uniq = [...new Set(roots)].sort();
  const outer = uniq.filter((r) => !uniq.some((o) => o !== r && r.startsWith(o.endsWith("/") ? o : `${o}/`)));
  const lines: string[] = ["set -e", `mount -t tmpfs -o mode=0700 hg-ovl ${sq(`${work}/ovl`)}`];
  outer.forEach((root, i) => {
    const up = `${work}/ovl/u${i}`;
    const wk = `${work}/ovl/w${i}`;
    lines.push(
      `mkdir -p ${sq(up)} ${sq(wk)}`,
      `chown --reference=${sq(root)} ${sq(up)}`,
      `chmod --reference=${sq(root)} ${sq(up)}`,
      `mount -t overlay hg-ovl -o ${sq(`lowerdir=${root},upperdir=${up},workdir=${wk}`)} ${sq(root)}`,
    );
  });
  for (const f of files) {
    lines.push(
      `mkdir -p ${sq(dirname(f.target))}`,
      `install -o root -g root -m ${f.mode} ${sq(f.source)} ${sq(f.target)}`,
    );
  }
  lines.push("set +e");
  return lines.join("\n");
}

/**
 * Run the real `keepalived --config-test -f <file>` hermetically:
 * a fresh network namespace holding the named interfaces (as Linux bridges;
 * the kernel here has no `dummy` type) and a private mount namespace in which
 * the scripts exist at their absolute paths (root:root, 0755).
 *
 * keepalived 2.2.7 exit codes seen: 0 good; 5 config warning/error
 * (auth_pass > 8 chars truncated, unknown keyword, missing interface,
 * missing/unusable script); 6 scripts used without enable_script_security.
 */
export function keepalivedConfigTest(confText: string, opts: KeepalivedTestOptions): ValidatorResult {
  if (!haveRoot()) return fail("keepalivedConfigTest needs root (netns + mount namespaces)");
  if (!haveCommand("keepalived")) return fail("keepalived not installed");
  for (const ifn of opts.interfaces) {
    if (!/^[^\s/:]{1,15}$/.test(ifn)) return fail(`invalid interface name '${ifn}' (max 15 chars, no / : or spaces)`);
  }
  for (const p of Object.keys(opts.scripts)) {
    if (!isAbsolute(p) || normalize(p) !== p) return fail(`script path must be absolute and normalized: '${p}'`);
  }
  const work = makeTmp("hg-ka");
  try {
    mkdirSync(join(work, "ovl"));
    mkdirSync(join(work, "scripts"));
    const conf = join(work, "keepalived.conf");
    writeFileSync(conf, confText);
    const files = Object.entries(opts.scripts).map(([target, content], i) => {
      const source = join(work, "scripts", String(i));
      writeFileSync(source, content, { mode: 0o755 });
      return { target, source, mode: "0755" };
    });
    let setup: string;
    try {
      setup = overlayInstallScript(work, files);
    } catch (e) {
      return fail(String((e as Error).message));
    }
    const script = `${setup}\nexec keepalived --config-test -f ${sq(conf)}\n`;
    return withNetns("hg-ka", (ns) => {
      for (const ifn of [...new Set(opts.interfaces)]) {
        if (ifn === "lo") continue;
        const r = run("ip", ["-n", ns, "link", "add", ifn, "type", "bridge"]);
        if (r.code !== 0) return fail(`could not create interface ${ifn} in netns:\n${r.output}`, r.code);
      }
      return run("ip", ["netns", "exec", ns, "unshare", "--mount", "--propagation", "private", "bash", "-c", script], {
        timeoutMs: opts.timeoutMs,
      });
    });
  } finally {
    rmTmp(work);
  }
}

// ---------------------------------------------------------------------------
// systemd-analyze verify
// ---------------------------------------------------------------------------

function standInUnit(unit: string): string {
  const type = unit.slice(unit.lastIndexOf(".") + 1);
  const head = `[Unit]\nDescription=homegarden test stand-in for ${unit}\n`;
  switch (type) {
    case "service":
      return `${head}\n[Service]\nExecStart=/bin/true\n`;
    case "socket":
      return `${head}\n[Socket]\nListenStream=/run/hg-stand-in.sock\n`;
    case "timer":
      return `${head}\n[Timer]\nOnActiveSec=1h\n`;
    case "path":
      return `${head}\n[Path]\nPathExists=/run/hg-stand-in\n`;
    default:
      // .target, .slice, .scope, ... (.mount/.swap/.automount need names
      // matching their paths: supply your own base unit for those)
      return head;
  }
}

const UNIT_NAME_RE =
  /^[A-Za-z0-9:_.\\@-]+\.(service|socket|device|mount|automount|swap|target|path|timer|slice|scope)$/;

export interface SystemdVerifyOptions {
  /** Extra unit names (already present via `files` or on the host) to verify too. */
  alsoVerify?: string[];
  timeoutMs?: number;
}

/**
 * Run the real `systemd-analyze verify` on the given unit files / drop-ins.
 *
 * `files`: 'name.service' | 'name.service.d/override.conf' -> content.
 * All files go into one temp unit dir that is put FIRST on the unit search
 * path with `SYSTEMD_UNIT_PATH=<dir>:` (trailing colon = keep the default
 * dirs, so After=/Requires= on host units resolve). For a drop-in whose base
 * unit is not in `files`, a minimal stand-in base unit is written (for
 * services: ExecStart=/bin/true; for an instance foo@bar.service the
 * stand-in is the template foo@.service) so the drop-in is merged and checked.
 *
 * Command: systemd-analyze verify --man=no --generators=no
 *          --recursive-errors=no <unit files by path> <drop-in bases by name>
 * systemd 252 only turns "Unknown key"/"Failed to parse" warnings into a
 * non-zero exit when --recursive-errors is given explicitly, hence =no.
 * Belt and braces: any output line that mentions the temp dir or one of our
 * unit names also makes the result not ok.
 */
export function systemdAnalyzeVerify(files: Record<string, string>, opts: SystemdVerifyOptions = {}): ValidatorResult {
  if (!haveCommand("systemd-analyze")) return fail("systemd-analyze not installed");
  const work = makeTmp("hg-sd");
  try {
    const unitDir = join(work, "units");
    mkdirSync(unitDir);
    const topLevel: string[] = [];
    const dropInBases = new Set<string>();
    for (const [rel, content] of Object.entries(files)) {
      const clean = posix.normalize(rel);
      if (isAbsolute(clean) || clean.startsWith("..")) return fail(`bad unit file name '${rel}'`);
      const parts = clean.split("/");
      if (parts.length === 1) {
        if (!UNIT_NAME_RE.test(clean)) return fail(`'${rel}' is not a unit file name`);
        topLevel.push(clean);
      } else if (parts.length === 2 && parts[0]!.endsWith(".d") && parts[1]!.endsWith(".conf")) {
        const base = parts[0]!.slice(0, -2);
        if (!UNIT_NAME_RE.test(base)) return fail(`'${rel}': '${base}' is not a unit name`);
        dropInBases.add(base);
      } else {
        return fail(`'${rel}': expected UNIT or UNIT.d/NAME.conf`);
      }
      const dest = join(unitDir, clean);
      mkdirSync(dirname(dest), { recursive: true });
      writeFileSync(dest, content);
    }
    const names = new Set<string>([...topLevel, ...dropInBases]);
    for (const base of dropInBases) {
      if (topLevel.includes(base)) continue;
      const at = base.indexOf("@");
      const dot = base.lastIndexOf(".");
      // instance foo@bar.service -> template foo@.service
      const template = at >= 0 && at + 1 < dot ? `${base.slice(0, at + 1)}${base.slice(dot)}` : base;
      if (files[template] !== undefined) continue;
      writeFileSync(join(unitDir, template), standInUnit(template));
      names.add(template);
    }
    const targets = [
      ...topLevel.map((u) => join(unitDir, u)),
      ...[...dropInBases].filter((b) => !topLevel.includes(b)),
      ...(opts.alsoVerify ?? []),
    ];
    if (targets.length === 0) return fail("nothing to verify");
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      SYSTEMD_UNIT_PATH: `${unitDir}:`,
      SYSTEMD_PAGER: "cat",
      SYSTEMD_COLORS: "0",
      SYSTEMD_LOG_COLOR: "0",
      LC_ALL: "C",
    };
    const r = run("systemd-analyze", ["verify", "--man=no", "--generators=no", "--recursive-errors=no", ...targets], {
      env,
      timeoutMs: opts.timeoutMs,
    });
    const suspicious = r.output
      .split("\n")
      .filter((l) => l.trim() !== "")
      .filter((l) => l.includes(work) || [...names].some((n) => l.includes(n)));
    const ok = r.code === 0 && suspicious.length === 0;
    return { ok, code: r.code, output: r.output };
  } finally {
    rmTmp(work);
  }
}

// ---------------------------------------------------------------------------
// shell scripts
// ---------------------------------------------------------------------------

export interface ShellcheckOptions {
  /** --shell=... when the file has no shebang */
  shell?: "sh" | "bash" | "dash" | "ksh";
  /** --severity=... (default: style, i.e. everything) */
  severity?: "error" | "warning" | "info" | "style";
  /** codes to exclude, e.g. ['SC1091'] */
  exclude?: string[];
}

/** `shellcheck [opts] FILE`: exit 0 clean, 1 any finding at/above severity. */
export function shellcheck(path: string, opts: ShellcheckOptions = {}): ValidatorResult {
  if (!haveCommand("shellcheck")) return fail("shellcheck not installed");
  const args = ["--color=never", "--format=gcc"];
  if (opts.shell) args.push(`--shell=${opts.shell}`);
  if (opts.severity) args.push(`--severity=${opts.severity}`);
  if (opts.exclude?.length) args.push(`--exclude=${opts.exclude.join(",")}`);
  args.push(path);
  return run("shellcheck", args);
}

/** `bash -n FILE`: exit 0 ok, 2 syntax error (1 if the file is missing). */
export function bashSyntax(path: string): ValidatorResult {
  return run("bash", ["-n", path]);
}

// ---------------------------------------------------------------------------
// fio
// ---------------------------------------------------------------------------

/**
 * `fio --parse-only FILE`: 0 parses, 1 unknown option / bad value / text
 * outside a [job] section / unreadable file. Does NOT validate ioengine names
 * or touch filename=. Creates nothing.
 */
/** `python3 -m py_compile FILE`: the file is Python that compiles (written to a throwaway cache). */
export function pythonCompiles(path: string): ValidatorResult {
  if (!haveCommand("python3")) return fail("python3 not installed");
  const cache = makeTmp("homegarden-pyc");
  try {
    return run("python3", ["-m", "py_compile", path], { env: { ...process.env, PYTHONPYCACHEPREFIX: cache } });
  } finally {
    rmSync(cache, { recursive: true, force: true });
  }
}

export function fioParseOnly(path: string): ValidatorResult {
  if (!haveCommand("fio")) return fail("fio not installed");
  const r = run("fio", ["--parse-only", path]);
  // fio reports some problems only as "fio: ..." lines; be strict about them
  const bad = /^(fio: |Bad option)/m.test(r.output);
  return { ok: r.code === 0 && !bad, code: r.code, output: r.output };
}

// ---------------------------------------------------------------------------
// ifupdown2
// ---------------------------------------------------------------------------

export interface Ifupdown2Options {
  /**
   * Debian's ifupdown2 3.0.0 rejects `bridge-ports none` (Proxmox's fork
   * accepts it). When true (default) such lines are dropped before checking.
   */
  allowBridgePortsNone?: boolean;
  timeoutMs?: number;
}

/**
 * Syntax-check an interfaces(5) file with the real ifupdown2 parser and its
 * addon attribute checks, without touching host networking:
 *
 *   ip netns exec <throwaway ns> unshare --mount --propagation private sh -c '
 *     mount tmpfs on /run (+ mkdir /run/network for ifupdown2's lock file)
 *     mount tmpfs on /var/tmp (ifupdown2 state_dir)
 *     bind a copy of ifupdown2.conf with addon_syntax_check=1 over
 *       /etc/network/ifupdown2/ifupdown2.conf'
 *   ifup --syntax-check -i FILE <every iface name in FILE>
 *
 * -s returns right after parsing + per-attribute validation, nothing is
 * configured (and even if it were, only inside the throwaway netns).
 * Exit 0 ok; 1 with "error: FILE: lineN: iface X: unsupported keyword (adress)"
 * / "warning: X: address: invalid value ..." on bad input. Any "error:" or
 * "warning:" line also counts as failure.
 */
export function ifupdown2Parse(interfacesText: string, opts: Ifupdown2Options = {}): ValidatorResult {
  if (!haveRoot()) return fail("ifupdown2Parse needs root (ifup refuses non-root; netns)");
  if (!haveCommand("ifup")) return fail("ifupdown2 not installed");
  const work = makeTmp("hg-ifu");
  try {
    let text = interfacesText;
    if (opts.allowBridgePortsNone ?? true) text = text.replace(/^[ \t]*bridge[-_]ports[ \t]+none[ \t]*$/gm, "");
    const ifFile = join(work, "interfaces");
    writeFileSync(ifFile, text);
    const sysConf = "/etc/network/ifupdown2/ifupdown2.conf";
    let conf = existsSync(sysConf) ? readFileSync(sysConf, "utf8") : "";
    conf = conf.replace(/^\s*addon_syntax_check\s*=.*$/gm, "");
    conf += "\naddon_syntax_check=1\n";
    const confFile = join(work, "ifupdown2.conf");
    writeFileSync(confFile, conf);
    const names = [...new Set([...text.matchAll(/^[ \t]*iface[ \t]+(\S+)/gm)].map((m) => m[1]!))];
    const ifupArgs = names.length > 0 ? names : ["-a"];
    const setup = [
      "set -e",
      "mount -t tmpfs -o mode=0755 hg-run /run",
      "mkdir -p /run/network",
      "mount -t tmpfs -o mode=1777 hg-vartmp /var/tmp",
      // without a config file ifupdown2 defaults to addon_syntax_check=1 anyway
      existsSync(sysConf) ? `mount --bind ${sq(confFile)} ${sq(sysConf)}` : ":",
      "set +e",
      `exec ifup --syntax-check -i ${sq(ifFile)} ${ifupArgs.map(sq).join(" ")}`,
    ].join("\n");
    const r = withNetns("hg-ifu", (ns) =>
      run("ip", ["netns", "exec", ns, "unshare", "--mount", "--propagation", "private", "sh", "-c", setup], {
        timeoutMs: opts.timeoutMs,
      }),
    );
    const bad = /^(error|warning):/m.test(r.output);
    return { ok: r.code === 0 && !bad, code: r.code, output: r.output };
  } finally {
    rmTmp(work);
  }
}

// ---------------------------------------------------------------------------
// TOML
// ---------------------------------------------------------------------------

function pythonWithTomllib(): string | undefined {
  for (const py of ["/usr/bin/python3", "python3"]) {
    if (py.startsWith("/") ? !existsSync(py) : !haveCommand(py)) continue;
    if (spawnSync(py, ["-c", "import tomllib"], { encoding: "utf8" }).status === 0) return py;
  }
  return undefined;
}

const TOML_PY = `import json, sys, tomllib
try:
    with open(sys.argv[1], "rb") as f:
        data = tomllib.load(f)
except tomllib.TOMLDecodeError as e:
    print(f"TOMLDecodeError: {e}", file=sys.stderr)
    sys.exit(1)
print(json.dumps(data, default=str))
`;

/**
 * Parse TOML with Python 3.11's tomllib (/usr/bin/python3 preferred).
 * Exit 0 + JSON on stdout when valid; 1 + "TOMLDecodeError: ... (at line L,
 * column C)" otherwise. Dates/times come back as ISO strings.
 */
export function tomlParse(text: string): TomlParseResult {
  const py = pythonWithTomllib();
  if (!py) return fail("no python3 with tomllib (needs Python >= 3.11)");
  const work = makeTmp("hg-toml");
  try {
    const file = join(work, "doc.toml");
    writeFileSync(file, text);
    const r = spawnSync(py, ["-c", TOML_PY, file], { encoding: "utf8", timeout: DEFAULT_TIMEOUT_MS });
    const output = `${r.stdout ?? ""}${r.stderr ?? ""}`;
    if (r.status !== 0) return { ok: false, code: r.status, output };
    try {
      return { ok: true, code: 0, output, value: JSON.parse(r.stdout) as unknown };
    } catch (e) {
      return { ok: false, code: r.status, output: `${output}\n[json] ${String(e)}` };
    }
  } finally {
    rmTmp(work);
  }
}

// ---------------------------------------------------------------------------
// drbd-reactor snippet schema (v1.x, from src/plugin/promoter.rs,
// src/plugin/prometheus.rs, src/config.rs). drbd-reactor itself IGNORES
// unknown keys (no serde deny_unknown_fields); this check is stricter.
// ---------------------------------------------------------------------------

const DEPENDENCY = ["Wants", "Requires", "Requisite", "BindsTo"];
const FAILURE_ACTION = [
  "none",
  "reboot",
  "reboot-force",
  "reboot-immediate",
  "poweroff",
  "poweroff-force",
  "poweroff-immediate",
  "exit",
  "exit-force",
];

type Check = (v: unknown, where: string, problems: string[]) => void;

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

const bool: Check = (v, w, p) => {
  if (typeof v !== "boolean") p.push(`${w}: expected boolean, got ${JSON.stringify(v)}`);
};
const strArray: Check = (v, w, p) => {
  if (!Array.isArray(v) || v.some((x) => typeof x !== "string"))
    p.push(`${w}: expected array of strings, got ${JSON.stringify(v)}`);
};
const oneOf =
  (vals: string[]): Check =>
  (v, w, p) => {
    if (typeof v !== "string" || !vals.includes(v))
      p.push(`${w}: expected one of ${vals.join("|")}, got ${JSON.stringify(v)}`);
  };
const uint =
  (max: number): Check =>
  (v, w, p) => {
    if (typeof v !== "number" || !Number.isInteger(v) || v < 0 || v > max)
      p.push(`${w}: expected non-negative integer, got ${JSON.stringify(v)}`);
  };

const PROMOTER_RESOURCE_KEYS: Record<string, Check> = {
  start: strArray,
  stop: strArray,
  "stop-services-on-exit": bool,
  runner: oneOf(["systemd", "shell"]),
  "dependencies-as": oneOf(DEPENDENCY),
  "target-as": oneOf(DEPENDENCY),
  "on-drbd-demote-failure": oneOf(FAILURE_ACTION),
  "sleep-before-promote-factor": uint(0xffffffff), // u32
  "preferred-nodes": strArray,
  "preferred-nodes-policy": oneOf(["always", "start-only"]),
  "secondary-force": bool,
  "on-quorum-loss": oneOf(["shutdown", "freeze"]),
  "on-disk-detach": oneOf(["ignore", "fail-over"]),
  "fencing-promote-delay": uint(Number.MAX_SAFE_INTEGER), // u64
  "adjust-resource-on-start": bool,
};

/** Rust SocketAddr ("1.2.3.4:9942", "[::]:9942") or ":port" (all addresses). */
function checkLocalAddress(v: unknown, w: string, p: string[]): void {
  if (typeof v !== "string") {
    p.push(`${w}: expected string "host:port" or ":port", got ${JSON.stringify(v)}`);
    return;
  }
  const port = (s: string) => /^\d{1,5}$/.test(s) && Number(s) <= 65535;
  let m: RegExpExecArray | null;
  if ((m = /^:(\d+)$/.exec(v)) && port(m[1]!)) return;
  if (
    (m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3}):(\d+)$/.exec(v)) &&
    m.slice(1, 5).every((o) => Number(o) <= 255) &&
    port(m[5]!)
  )
    return;
  if ((m = /^\[([0-9A-Fa-f:.]+)\]:(\d+)$/.exec(v)) && m[1]!.includes(":") && port(m[2]!)) return;
  p.push(`${w}: invalid address ${JSON.stringify(v)} (want "IP:port", "[IPv6]:port" or ":port"; no host names)`);
}

/**
 * Check a parsed drbd-reactor snippet (e.g. tomlParse(...).value) against the
 * v1.x schema. Returns a list of problems (empty = fine).
 */
export function drbdReactorSchemaCheck(parsed: unknown): string[] {
  const problems: string[] = [];
  if (!isObj(parsed)) return ["snippet: expected a TOML table at top level"];
  for (const [key, val] of Object.entries(parsed)) {
    switch (key) {
      case "promoter": {
        if (!Array.isArray(val)) {
          problems.push("promoter: must be an array of tables ([[promoter]])");
          break;
        }
        val.forEach((pr, i) => {
          const w = `promoter[${i}]`;
          if (!isObj(pr)) {
            problems.push(`${w}: expected table`);
            return;
          }
          for (const [pk, pv] of Object.entries(pr)) {
            if (pk === "id") {
              problems.push(`${w}.id: deprecated (ignored by drbd-reactor), remove it`);
            } else if (pk === "resources") {
              if (!isObj(pv)) {
                problems.push(`${w}.resources: expected table`);
                continue;
              }
              for (const [rname, res] of Object.entries(pv)) {
                const rw = `${w}.resources.${rname}`;
                if (!isObj(res)) {
                  problems.push(`${rw}: expected table`);
                  continue;
                }
                for (const [rk, rv] of Object.entries(res)) {
                  if (rk === "on-stop-failure") {
                    problems.push(`${rw}.on-stop-failure: deprecated and ignored; use on-drbd-demote-failure`);
                    continue;
                  }
                  const chk = PROMOTER_RESOURCE_KEYS[rk];
                  if (!chk) problems.push(`${rw}: unknown key '${rk}'`);
                  else chk(rv, `${rw}.${rk}`, problems);
                }
              }
            } else {
              problems.push(`${w}: unknown key '${pk}'`);
            }
          }
          if (!("resources" in pr)) problems.push(`${w}: no resources table (promoter does nothing)`);
        });
        break;
      }
      case "prometheus": {
        if (!Array.isArray(val)) {
          problems.push("prometheus: must be an array of tables ([[prometheus]])");
          break;
        }
        val.forEach((pm, i) => {
          const w = `prometheus[${i}]`;
          if (!isObj(pm)) {
            problems.push(`${w}: expected table`);
            return;
          }
          for (const [k, v] of Object.entries(pm)) {
            if (k === "address") checkLocalAddress(v, `${w}.address`, problems);
            else if (k === "enums") bool(v, `${w}.enums`, problems);
            else if (k === "id") problems.push(`${w}.id: deprecated (ignored by drbd-reactor), remove it`);
            else problems.push(`${w}: unknown key '${k}'`);
          }
        });
        break;
      }
      case "debugger":
      case "umh":
      case "agentx":
      case "log":
        if (!Array.isArray(val) || val.some((x) => !isObj(x)))
          problems.push(`${key}: must be an array of tables ([[${key}]])`);
        break;
      default:
        problems.push(`unknown top-level key '${key}'`);
    }
  }
  return problems;
}

// ---------------------------------------------------------------------------
// apt sources
// ---------------------------------------------------------------------------

/** Fields documented in sources.list(5) for apt 2.6 (+ X-Repolib-Name). */
const DEB822_FIELDS = new Set(
  [
    "Types",
    "URIs",
    "Suites",
    "Components",
    "Enabled",
    "Architectures",
    "Architectures-Add",
    "Architectures-Remove",
    "Languages",
    "Languages-Add",
    "Languages-Remove",
    "Targets",
    "Targets-Add",
    "Targets-Remove",
    "PDiffs",
    "By-Hash",
    "Allow-Insecure",
    "Allow-Weak",
    "Allow-Downgrade-To-Insecure",
    "Trusted",
    "Signed-By",
    "Check-Valid-Until",
    "Valid-Until-Min",
    "Valid-Until-Max",
    "Check-Date",
    "Date-Max-Future",
    "InRelease-Path",
    "Snapshot",
    "X-Repolib-Name",
  ].map((f) => f.toLowerCase()),
);

export interface AptSourcesOptions {
  /** Also reject deb822 field names apt does not know (apt itself silently ignores them). Default true. */
  strictFields?: boolean;
  /** Accept a file that yields no index targets (e.g. all entries disabled). Default false. */
  allowEmpty?: boolean;
}

/**
 * Let real apt parse a sources file offline:
 *   apt-get -o Dir::Etc::SourceList=/dev/null -o Dir::Etc::SourceParts=<tmp>
 *     -o Dir::State::Lists=<tmp>/lists -o Dir::Cache=<tmp>/cache
 *     -o Dir::State::status=/dev/null -o Debug::NoLocking=1
 *     indextargets --no-release-info --format '$(URI)'
 * `indextargets` only parses the sources and prints what `update` would
 * fetch; it never starts an acquire, so no network. Exit 0 ok, 100 with
 * "E: Malformed entry 1 in sources file ... (Suite)" etc.
 */
export function aptSourcesCheck(
  text: string,
  format: "deb822" | "one-line",
  opts: AptSourcesOptions = {},
): ValidatorResult & { targets?: string[] } {
  if (!haveCommand("apt-get")) return fail("apt-get not installed");
  const work = makeTmp("hg-apt");
  try {
    const parts = join(work, "sources.list.d");
    for (const d of [parts, join(work, "lists", "partial"), join(work, "cache", "archives", "partial")])
      mkdirSync(d, { recursive: true });
    writeFileSync(join(parts, format === "deb822" ? "hg-check.sources" : "hg-check.list"), text);
    const env: NodeJS.ProcessEnv = { ...process.env, LC_ALL: "C" };
    delete env.APT_CONFIG;
    const r = run(
      "apt-get",
      [
        "-o",
        "Dir::Etc::SourceList=/dev/null",
        "-o",
        `Dir::Etc::SourceParts=${parts}`,
        "-o",
        `Dir::State::Lists=${join(work, "lists")}`,
        "-o",
        `Dir::Cache=${join(work, "cache")}`,
        "-o",
        "Dir::State::status=/dev/null",
        "-o",
        "Debug::NoLocking=1",
        "indextargets",
        "--no-release-info",
        "--format",
        "$(URI)",
      ],
      { env },
    );
    const extra: string[] = [];
    const lines = r.output.split("\n").filter((l) => l.trim() !== "");
    const targets = lines.filter((l) => /^[a-z][a-z0-9+.-]*:\/\//i.test(l));
    if (lines.some((l) => /^(E|W):/.test(l))) extra.push("hg-check: apt printed errors/warnings");
    if (r.code === 0 && targets.length === 0 && !opts.allowEmpty)
      extra.push("hg-check: apt found no index targets in the file");
    if (format === "deb822" && (opts.strictFields ?? true)) {
      text.split("\n").forEach((line, i) => {
        if (/^\s*#/.test(line) || /^\s/.test(line) || line.trim() === "") return;
        const m = /^([^:\s]+):/.exec(line);
        if (m && !DEB822_FIELDS.has(m[1]!.toLowerCase()))
          extra.push(`hg-check: line ${i + 1}: unknown deb822 field '${m[1]}' (apt ignores it)`);
      });
    }
    const output = extra.length
      ? `${r.output}${r.output.endsWith("\n") || !r.output ? "" : "\n"}${extra.join("\n")}\n`
      : r.output;
    return { ok: r.code === 0 && extra.length === 0, code: r.code, output, targets };
  } finally {
    rmTmp(work);
  }
}
