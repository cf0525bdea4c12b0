/**
 * Which source addresses may use the insurance proxy: single addresses or CIDR ranges, IPv4 or IPv6, with
 * IPv4-mapped IPv6 (::ffff:10.1.2.3, what a dual-stack socket reports) read as the IPv4 address it carries.
 */
import ipaddr from 'ipaddr.js';
import { invalid } from '../../core/errors.js';

type Range = [ipaddr.IPv4 | ipaddr.IPv6, number];

/** Decisions are remembered per address (an HIS uses a handful), up to this many. */
const MEMO_LIMIT = 1024;

export function sourceAllowlist(entries: string[]): (address: string | undefined) => boolean {
  const ranges = entries.map(parseEntry);
  const memo = new Map<string, boolean>();
  const decide = (address: string): boolean => {
    if (!ipaddr.isValid(address)) {
      return false;
    }
    const ip = ipaddr.process(address);
    return ranges.some(([net, bits]) => inRange(ip, net, bits));
  };
  return (address) => {
    if (!address) {
      return false;
    }
    let allowed = memo.get(address);
    if (allowed === undefined) {
      allowed = decide(address);
      if (memo.size >= MEMO_LIMIT) {
        memo.clear();
      }
      memo.set(address, allowed);
    }
    return allowed;
  };
}

function inRange(ip: ipaddr.IPv4 | ipaddr.IPv6, net: ipaddr.IPv4 | ipaddr.IPv6, bits: number): boolean {
  if (ip.kind() === 'ipv4' && net.kind() === 'ipv4') {
    return (ip as ipaddr.IPv4).match(net as ipaddr.IPv4, bits);
  }
  if (ip.kind() === 'ipv6' && net.kind() === 'ipv6') {
    return (ip as ipaddr.IPv6).match(net as ipaddr.IPv6, bits);
  }
  return false;
}

function parseEntry(entry: string): Range {
  try {
    if (entry.includes('/')) {
      return ipaddr.parseCIDR(entry) as Range;
    }
    const ip = ipaddr.process(entry);
    return [ip, ip.kind() === 'ipv4' ? 32 : 128];
  } catch {
    throw invalid('CONFIG_INVALID', `insurance.proxy.allowFrom: 「${entry}」不是 IP 地址或 CIDR 网段`, { entry });
  }
}
