/** IPv4 address math shared by validation and planning, all through ip-num. Pure functions. */
import { IPv4, IPv4CidrRange, Validator } from "ip-num";

export interface HostAddress {
  /** "10.100.4.101" */
  ip: string;
  /** 24 */
  prefix: number;
  /** "10.100.4.101/24" */
  cidr: string;
  /** "10.100.4.0/24" */
  network: string;
}

export function isValidNetwork(cidr: string): boolean {
  return Validator.isValidIPv4CidrRange(cidr)[0];
}

export function isValidHostAddress(cidr: string): boolean {
  return Validator.isValidIPv4CidrNotation(cidr)[0];
}

/**
 * Parses "a.b.c.d/len"; throws on malformed input (validate first). Performance (issue 8): ip-num
 * takes ~0.05 ms per parse, and the validator and the planner parse the same addresses, so each
 * distinct string is parsed once per process (the result is frozen: callers share it).
 */
export function parseHostAddress(cidr: string): HostAddress {
  let parsed = parsedAddresses.get(cidr);
  if (!parsed) {
    parsed = Object.freeze(parseHostAddressOnce(cidr));
    parsedAddresses.set(cidr, parsed);
  }
  return parsed;
}
const parsedAddresses = new Map<string, HostAddress>();

function parseHostAddressOnce(cidr: string): HostAddress {
  const range = IPv4CidrRange.fromCidr(cidr);
  const [ip, prefix] = cidr.split("/");
  return {
    ip: IPv4.fromString(ip).toString(),
    prefix: Number(prefix),
    cidr: `${IPv4.fromString(ip).toString()}/${prefix}`,
    network: `${range.getFirst().toString()}/${prefix}`,
  };
}

/** True when the address is the network or broadcast address of its own subnet (prefix < 31). */
export function isNetworkOrBroadcast(cidr: string): boolean {
  const range = IPv4CidrRange.fromCidr(cidr);
  const prefix = Number(cidr.split("/")[1]);
  if (prefix >= 31) return false;
  const ip = IPv4.fromString(cidr.split("/")[0]);
  return ip.isEquals(range.getFirst()) || ip.isEquals(range.getLast());
}

/**
 * Performance (issue 8): first and last address of a network as numbers, parsed by ip-num once per
 * distinct string. Validation compares every declared network with every other one; parsing each
 * pair afresh made validating a 256-node ring take seconds.
 */
const boundsCache = new Map<string, { first: bigint; last: bigint }>();
function boundsOf(network: string): { first: bigint; last: bigint } {
  let bounds = boundsCache.get(network);
  if (!bounds) {
    const range = IPv4CidrRange.fromCidr(network);
    bounds = { first: range.getFirst().getValue(), last: range.getLast().getValue() };
    boundsCache.set(network, bounds);
  }
  return bounds;
}

export function networksOverlap(a: string, b: string): boolean {
  const ra = boundsOf(a);
  const rb = boundsOf(b);
  return ra.first <= rb.last && rb.first <= ra.last;
}

export function networkContains(network: string, ip: string): boolean {
  const range = boundsOf(network);
  const addr = IPv4.fromString(ip).getValue();
  return addr >= range.first && addr <= range.last;
}

/** The n-th usable host address (n = 1 is the first after the network address) with the subnet's prefix. */
export function nthHost(network: string, n: number): HostAddress {
  const range = IPv4CidrRange.fromCidr(network);
  const prefix = Number(network.split("/")[1]);
  let ip = range.getFirst();
  for (let i = 0; i < n; i += 1) ip = ip.nextIPNumber();
  return parseHostAddress(`${ip.toString()}/${prefix}`);
}

/** Number of usable host addresses in a subnet (two for /31, one for /32). */
export function usableHosts(network: string): number {
  const prefix = Number(network.split("/")[1]);
  if (prefix === 32) return 1;
  if (prefix === 31) return 2;
  return 2 ** (32 - prefix) - 2;
}
