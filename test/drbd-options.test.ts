/**
 * DRBD options on a resource group, against the option tables generated from linstor-common's
 * drbdsetup.xml: what LINSTOR refuses is refused at check time, and the value it stores (sizes in
 * the option's unit) is what a rerun compares with. Expected values are worked out by hand from
 * drbdsetup.xml (c-max-rate: unit_prefix k, max 4194304; c-fill-target: unit_prefix s; quorum:
 * numeric-or-symbol 1..32 or off, majority, all) and linstor-api-py's SizeCalc.
 */
import { checkDrbdOption } from "../src/config/drbd-options.js";

describe("DRBD option names", () => {
  test("a typo in a name is refused with the nearest option", () => {
    expect(checkDrbdOption("on-no-quorom", "io-error", "1.31")).toEqual({
      ok: false,
      unknown: true,
      suggestion: "on-no-quorum",
    });
  });

  test("an option DRBD 9.2's table lacks is refused for LINSTOR 1.31 and accepted for 1.33", () => {
    expect(checkDrbdOption("peer-tiebreaker", "yes", "1.31.3")).toMatchObject({ ok: false, unknown: true });
    expect(checkDrbdOption("peer-tiebreaker", "yes", "1.33")).toEqual({ ok: true, stored: "yes" });
  });

  test("with no LINSTOR version, an option of any known release is accepted", () => {
    expect(checkDrbdOption("peer-tiebreaker", "yes", undefined)).toEqual({ ok: true, stored: "yes" });
  });
});

describe("DRBD option values", () => {
  test.each([
    ["quorum", "majority", "majority"],
    ["quorum", "31", "31"],
    ["auto-promote", "No", "no"],
    ["al-extents", "6433", "6433"],
    ["c-max-rate", "4G", "4194304"],
    ["c-max-rate", "4096M", "4194304"],
    ["c-max-rate", "4194305", "4096"],
    ["c-max-rate", "100MB", "97656"],
    ["c-fill-target", "1M", "2048"],
  ])("%s=%s is stored as %s", (name, value, stored) => {
    expect(checkDrbdOption(name, value, "1.31")).toEqual({ ok: true, stored });
  });

  test.each([
    ["quorum", "majorty", "one of off, majority, all"],
    ["quorum", "32", "a whole number from 1 to 31"],
    ["al-extents", "66", "from 67 to 65534"],
    ["c-max-rate", "5G", "a size from 0 to 4194304 KiB"],
    ["c-max-rate", "4X", "a size from 0 to 4194304 KiB"],
    ["on-no-quorum", "panic", "one of io-error, suspend-io"],
    ["auto-promote", "maybe", "yes or no"],
  ])("%s=%s is refused: %s", (name, value, expected) => {
    const checked = checkDrbdOption(name, value, "1.31");
    expect(checked.ok).toBe(false);
    expect(checked.ok === false && !checked.unknown && checked.expected).toContain(expected);
  });
});
