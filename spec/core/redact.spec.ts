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

    it('replaces every occurrence of a known secret', () => {
      expect(redactText('auth hunter2 failed: hunter2', ['hunter2'])).to.equal('auth *** failed: ***');
      expect(redactText('nothing here', [''])).to.equal('nothing here');
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
