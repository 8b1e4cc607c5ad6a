import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { ZooKeeperError } from "../../mod.ts";
import {
  checkRspauth,
  digestMd5Conversation,
  digestResponse,
  parseDigestChallenge,
} from "../../src/protocol/sasl-digest-md5.ts";
import { enc } from "../support/fixtures.ts";

const dec = (b: Uint8Array) => new TextDecoder().decode(b);
const authFailed = (pattern: RegExp) => (e: unknown) =>
  e instanceof ZooKeeperError && e.code === "AuthFailed" && pattern.test(e.message);

// RFC 2831 §4, the IMAP example.
const rfcChallenge = 'realm="elwood.innosoft.com",nonce="OA6MG9tEQGm2hh",qop="auth",algorithm=md5-sess,charset=utf-8';
const chris = { username: "chris", password: "secret", protocol: "imap", serverName: "elwood.innosoft.com" };

describe("DIGEST-MD5 (RFC 2831)", () => {
  test("RFC 2831's worked example: the response and rspauth values match", () => {
    const { token, rspauth } = digestResponse(parseDigestChallenge(enc(rfcChallenge)), chris, "OA6MHXh6VqTrRk");
    assert.equal(
      dec(token),
      'charset=utf-8,username="chris",realm="elwood.innosoft.com",nonce="OA6MG9tEQGm2hh",nc=00000001,cnonce="OA6MHXh6VqTrRk",' +
        'digest-uri="imap/elwood.innosoft.com",response=d388dad90d4bbd760a152321f2143af7,qop=auth',
    );
    assert.equal(rspauth, "ea40f60335c427b5527b84dbabcdfffd");
    checkRspauth(enc("rspauth=ea40f60335c427b5527b84dbabcdfffd"), rspauth);
    checkRspauth(enc("rspauth=EA40F60335C427B5527B84DBABCDFFFD"), rspauth);
  });

  test("a conversation sends an empty first token, answers the challenge and ends after a correct rspauth", () => {
    const conversation = digestMd5Conversation(chris, "OA6MHXh6VqTrRk");
    assert.equal(conversation.initial.length, 0);
    assert.match(
      dec(conversation.next(enc(rfcChallenge)) ?? new Uint8Array()),
      /response=d388dad90d4bbd760a152321f2143af7/,
    );
    assert.equal(conversation.next(enc("rspauth=ea40f60335c427b5527b84dbabcdfffd")), null);
    assert.throws(
      () => conversation.next(enc("rspauth=ea40f60335c427b5527b84dbabcdfffd")),
      authFailed(/after the exchange completed/),
    );
  });

  test("a wrong or missing rspauth fails the exchange: the server did not prove it knows the password", () => {
    assert.throws(
      () => checkRspauth(enc("rspauth=00000000000000000000000000000000"), "ea40f60335c427b5527b84dbabcdfffd"),
      authFailed(/rspauth is wrong/),
    );
    assert.throws(() => checkRspauth(enc('realm="x"'), "ea40f60335c427b5527b84dbabcdfffd"), authFailed(/no rspauth/));
    const conversation = digestMd5Conversation(chris, "c");
    conversation.next(enc(rfcChallenge));
    assert.throws(
      () => conversation.next(enc("rspauth=ea40f60335c427b5527b84dbabcdfffd")),
      authFailed(/rspauth is wrong/),
    );
  });

  test("a challenge parses with quoted escapes, several realms, odd spacing, empty list elements and unknown directives", () => {
    const challenge = parseDigestChallenge(enc(
      ' , REALM = "a\\"b\\\\c" ,,realm=plain,\tnonce="n\\x",future-directive="ignored, really",qop="auth-int, auth",' +
        'x-token=abc,maxbuf=65536,Algorithm=MD5-SESS , cipher="rc4" ,',
    ));
    assert.deepEqual(challenge, { realms: ['a"b\\c', "plain"], nonce: "nx", qop: ["auth-int", "auth"], utf8: false });
  });

  test("without qop the default is auth; without realm none is sent and the empty realm is hashed", () => {
    const challenge = parseDigestChallenge(enc('nonce="abc",algorithm=md5-sess'));
    assert.deepEqual(challenge, { realms: [], nonce: "abc", qop: ["auth"], utf8: false });
    assert.doesNotMatch(dec(digestResponse(challenge, chris, "c").token), /realm=/);
  });

  test("response values are quoted with escapes", () => {
    const challenge = parseDigestChallenge(enc('realm="r",nonce="abc",algorithm=md5-sess'));
    const token = dec(digestResponse(challenge, { ...chris, username: 'we"ird\\name' }, "c").token);
    assert.match(token, /username="we\\"ird\\\\name"/);
  });

  test("charset=utf-8: values decode as UTF-8, and names beyond ISO 8859-1 go as UTF-8", () => {
    const challenge = parseDigestChallenge(enc('realm="zk-sasl-µ",nonce="abc",charset=UTF-8,algorithm=md5-sess'));
    assert.deepEqual(challenge.realms, ["zk-sasl-µ"]);
    assert.equal(challenge.utf8, true);
    const token = digestResponse(challenge, { ...chris, username: "δ-user", password: "пароль" }, "c").token;
    assert.match(dec(token), /username="δ-user",realm="zk-sasl-µ"/);
  });

  test("an ISO 8859-1 name is hashed as ISO 8859-1 even under charset=utf-8 (RFC 2831 §2.1.2.1)", () => {
    const utf8 = parseDigestChallenge(enc('nonce="abc",charset=utf-8,algorithm=md5-sess'));
    const latin1 = { ...utf8, utf8: false };
    const a = dec(digestResponse(utf8, { ...chris, password: "pässwörd" }, "c").token).match(/response=(\w+)/)?.[1];
    const b = new TextDecoder("latin1").decode(digestResponse(latin1, { ...chris, password: "pässwörd" }, "c").token)
      .match(/response=(\w+)/)?.[1];
    assert.ok(a !== undefined && a === b);
  });

  test("without charset=utf-8, credentials beyond ISO 8859-1 cannot be sent", () => {
    const challenge = parseDigestChallenge(enc('nonce="abc",algorithm=md5-sess'));
    assert.throws(() => digestResponse(challenge, { ...chris, password: "δ" }, "c"), authFailed(/ISO 8859-1/));
  });

  const refused: [string, string, RegExp][] = [
    ["no nonce", 'realm="r",algorithm=md5-sess', /no nonce/],
    ["an empty nonce", 'nonce="",algorithm=md5-sess', /no nonce/],
    ["two nonces", 'nonce="a",nonce="b",algorithm=md5-sess', /repeats nonce/],
    ["no algorithm", 'nonce="a"', /md5-sess/],
    ["another algorithm", 'nonce="a",algorithm=md5', /md5-sess/],
    ["two qop directives", 'nonce="a",qop="auth",qop="auth",algorithm=md5-sess', /repeats qop/],
    ["no auth qop", 'nonce="a",qop="auth-conf",algorithm=md5-sess', /not auth/],
    ["an unknown charset", 'nonce="a",charset=latin-1,algorithm=md5-sess', /charset/],
    ["an unterminated quoted string", 'nonce="a,algorithm=md5-sess', /unterminated/],
    ["a directive without =", 'nonce="a",algorithm', /name=value/],
    ["a directive without a value", "nonce=,algorithm=md5-sess", /no value/],
    ["junk after a value", 'nonce="a" x,algorithm=md5-sess', /expected ","/],
    ["invalid UTF-8 under charset=utf-8", 'nonce="\u00ff",charset=utf-8,algorithm=md5-sess', /not UTF-8/],
  ];
  for (const [what, text, message] of refused) {
    test(`a challenge with ${what} is refused with AuthFailed`, () => {
      // One byte per character, so \u00ff stays the single (invalid UTF-8) byte 0xff.
      const bytes = Uint8Array.from(text, (c) => c.charCodeAt(0));
      assert.throws(() => parseDigestChallenge(bytes), authFailed(message));
    });
  }

  test("a challenge over RFC 2831's 2048 bytes is refused", () => {
    assert.throws(
      () => parseDigestChallenge(enc(`nonce="a",algorithm=md5-sess,x="${"y".repeat(2048)}"`)),
      authFailed(/exceeds 2048/),
    );
  });

  test("an empty challenge (a server without SASL configured) says so", () => {
    assert.throws(() => digestMd5Conversation(chris).next(new Uint8Array(0)), authFailed(/is SASL configured/));
  });
});
