import { expect } from 'chai';
import { redactError, redactText } from '../../src/core/redact.js';

describe('redact', () => {
  describe('redactText', () => {
    it('strips the password from URLs of any scheme, keeping the user', () => {
      expect(redactText('connect redis://alice:s3cret@host:6379/0 failed')).to.equal(
        'connect redis://alice:***@host:6379/0 failed',
      );
      expect(redactText('rediss://:pw@h and redis://u:p@h2')).to.equal('rediss://:***@h and redis://u:***@h2');
    });

    it('leaves URLs without credentials alone', () => {
      expect(redactText('redis://host:6379/0')).to.equal('redis://host:6379/0');
    });

    it('masks a password holding @, /, ?, #, : or spaces, up to the host', () => {
      for (const password of ['at@sign', 'a/b', 'q?x', 'p#ss', 'colon:colon', 'sp ace', ' #/?@: x', 'pässwörd-密码'])
        expect(redactText(`connect redis://alice:${password}@cache.internal:6379/0 failed`), password).to.equal(
          'connect redis://alice:***@cache.internal:6379/0 failed',
        );
      expect(redactText('rediss://:a@b@[::1]:7000')).to.equal('rediss://:***@[::1]:7000');
    });

    it('stops at the end of the line and at the next URL', () => {
      expect(redactText('redis://u:p w@h1\nmail admin@example.com')).to.equal('redis://u:***@h1\nmail admin@example.com');
      expect(redactText('redis://u:a@b@h1, redis://v:c d@h2')).to.equal('redis://u:***@h1, redis://v:***@h2');
    });

    it('does not mask ordinary text', () => {
      for (const text of [
        'user:pass@example.com is not a URL',
        'mail a@b.com about redis://cache.internal:6379',
        'redis://cache.internal:6379 refused; mail ops@example.com',
        'GET http://host:8080/users/@alice',
        'at file:///app/dist/index.js:10:5',
        'see https://example.com/a:b@c', // a colon and an @ in the path, not in credentials
      ])
        expect(redactText(text), text).to.equal(text);
    });

    it('replaces every occurrence of a known secret', () => {
      expect(redactText('auth hunter2 failed: hunter2', ['hunter2'])).to.equal('auth *** failed: ***');
      expect(redactText('nothing here', [''])).to.equal('nothing here');
    });

    it('replaces the longest secret first, so none is left half-masked', () => {
      expect(redactText('auth p%23ss and p#ss', ['p#ss', 'p%23ss'])).to.equal('auth *** and ***');
      expect(redactText('auth abcd', ['ab', 'abcd'])).to.equal('auth ***');
    });
  });

  describe('redactError', () => {
    it('returns the same error when there is nothing to strip', () => {
      const error = new Error('ECONNREFUSED 127.0.0.1:6379');
      expect(redactError(error, ['pw'])).to.equal(error);
    });

    it('returns a copy with name, code, message and stack scrubbed', () => {
      const error = Object.assign(new TypeError('WRONGPASS for redis://u:pw@h'), { code: 'E_AUTH' });
      const copy = redactError(error, ['pw']) as Error & { code?: string };
      expect(copy).to.not.equal(error);
      expect(copy.name).to.equal('TypeError');
      expect(copy.code).to.equal('E_AUTH');
      expect(copy.message).to.equal('WRONGPASS for redis://u:***@h');
      expect(copy.stack).to.not.include('pw@');
      expect(error.message).to.include('pw'); // the original is untouched
    });

    it('scrubs strings and passes other values through', () => {
      expect(redactError('bad pw', ['pw'])).to.equal('bad ***');
      expect(redactError(42)).to.equal(42);
    });
  });
});
