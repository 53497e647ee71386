import { isIP } from 'net';
import { isCidr, isIpAddress, isParsedCidr } from '../../lib/rules/network';

/** The network address rules, against Node's own parser (net.isIP), which Go's net.ParseIP agrees with on these. */
const ADDRESSES = [
  '10.0.0.0', '255.255.255.255', '0.0.0.0', '192.168.1.1', '::', '::1', '2001:db8::', '2001:db8::1', 'fe80::1%eth0', '::ffff:10.0.0.1',
  '1:2:3:4:5:6:7:8', '256.0.0.1', '10.0.0', '10.0.0.0.0', '01.2.3.4', '1.2.3.-4', '2001:db8:::1', '1:2:3:4:5:6:7:8:9', 'gggg::1',
  '', ' ', 'orders.example.com', 'localhost', 'a:b', ':', '10.0.0.1:80', '[::1]', '1e3', '0x1.2.3.4',
];

test.each(ADDRESSES)('isIpAddress(%j) is net.isIP', (value) => {
  expect(isIpAddress(value)).toBe(isIP(value));
});

test.each<[string, boolean]>([
  ['10.0.0.0/8', true], ['0.0.0.0/0', true], ['10.0.0.1/32', true], ['2001:db8::/64', true], ['::/0', true], ['::1/128', true],
  ['10.0.0.0/33', false], ['2001:db8::/129', false], ['10.0.0.0', false], ['10.0.0.0/', false], ['10.0.0.0/8/8', false],
  ['10.0.0.0/+8', false], ['10.0.0.0/ 8', false], ['10.0.0.0/8a', false], ['host/8', false], ['256.0.0.0/8', false], ['/8', false],
])('isParsedCidr(%j) is %s (net.ParseCIDR)', (value, expected) => {
  expect(isParsedCidr(value)).toBe(expected);
});

test.each<[string, boolean]>([
  ['10.0.0.0/8', true], ['192.168.0.0/16', true], ['10.0.0.0/33', false], ['2001:db8::/64', false], ['300.0.0.0/8', false], ['10.0.0/8', false],
])('isCidr(%j), the constructs\' IPv4 ranges, is %s', (value, expected) => {
  expect(isCidr(value)).toBe(expected);
});
