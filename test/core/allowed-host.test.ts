import { describe, expect, it } from 'vitest';
import { hostAllowed, hostNameOf } from '../../src/core/allowed-host.js';

describe('hostNameOf(header)', () => {
  it.each([
    ['localhost:8000', 'localhost'],
    ['LocalHost', 'localhost'],
    ['127.0.0.1:80', '127.0.0.1'],
    ['[::1]:8000', '::1'],
    ['[::1]', '::1'],
    ['example.com.', 'example.com'],
    ['', null],
    ['[::1', null],
    ['[not-ip]:80', null],
    ['a b', null],
    ['user@host', null],
    ['host:port', null],
  ])('%j → %j', (header, name) => {
    expect(hostNameOf(header)).toBe(name);
  });
});

describe('hostAllowed(header, policy) — the DNS-rebinding rule', () => {
  const loopback = { bindHost: '127.0.0.1' };
  it.each(['localhost', 'localhost:1', 'a.b.localhost:9', '127.0.0.1:8790', '127.5.6.7', '[::1]:8790', '[::ffff:127.0.0.1]'])('a loopback-bound server answers %j', (h) => {
    expect(hostAllowed(h, loopback)).toBe(true);
  });
  it.each(['attacker.example:8790', 'localhost.attacker.example', '127.0.0.1.nip.io', '10.0.0.1', '[::2]', '0.0.0.0', '', '[::1'])('a loopback-bound server refuses %j', (h) => {
    expect(hostAllowed(h, loopback)).toBe(false);
  });
  it('answers a request without Host (HTTP/1.0; no browser sends one)', () => {
    expect(hostAllowed(undefined, loopback)).toBe(true);
  });
  it('answers the bound name or address and the allowed names, case-insensitively', () => {
    expect(hostAllowed('Box.LAN:8000', { bindHost: 'box.lan' })).toBe(true);
    expect(hostAllowed('192.168.1.5:8000', { bindHost: '192.168.1.5' })).toBe(true);
    expect(hostAllowed('[fe80::1]:8000', { bindHost: '[fe80::1]' })).toBe(true);
    expect(hostAllowed('models.internal', { bindHost: '127.0.0.1', allowedHosts: ['Models.Internal'] })).toBe(true);
    expect(hostAllowed('other.internal', { bindHost: '127.0.0.1', allowedHosts: ['models.internal'] })).toBe(false);
  });
  it('answers any IP literal, but no other name, when bound to every interface', () => {
    for (const bindHost of ['0.0.0.0', '::']) {
      expect(hostAllowed('192.168.1.5:8000', { bindHost })).toBe(true);
      expect(hostAllowed('[2001:db8::1]:8000', { bindHost })).toBe(true);
      expect(hostAllowed('attacker.example', { bindHost })).toBe(false);
    }
  });
});
