import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';

/** The compiled src/ these specs run against (.build/legacy/src or .build/tc39/src). */
const SRC = new URL('../../../src/', import.meta.url);

/**
 * Import `module` in a fresh Node whose resolver refuses the optional peer dependencies, then
 * use a manager: what the main entry loads is what a user without fastify or OpenTelemetry runs.
 */
function importWithoutPeers(module: string): { status: number | null; output: string } {
  const refuse = `export async function resolve(specifier, context, next) {
    if (specifier === 'fastify' || specifier.startsWith('@opentelemetry/')) throw new Error('loaded ' + specifier);
    return next(specifier, context);
  }`;
  const script = `
    import { register } from 'node:module';
    register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(refuse)}));
    const { CacheManager } = await import(${JSON.stringify(new URL('index.js', SRC).href)});
    await import(${JSON.stringify(new URL(module, SRC).href)});
    const manager = new CacheManager().init({ redisUrl: 'memory://' });
    await manager.service('users').set('1', 'Ada');
    if ((await manager.service('users').get('1')) !== 'Ada') throw new Error('wrong value');
    await manager.close();
    console.log('ok');
  `;
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: fileURLToPath(SRC),
    encoding: 'utf8',
    timeout: 20_000,
  });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

describe('optional peer dependencies: the main entry loads neither fastify nor @opentelemetry/api', () => {
  it('ts-rc works with both refused', function () {
    this.timeout(20_000);
    const run = importWithoutPeers('index.js');
    expect(run.output.trim(), run.output).to.equal('ok');
    expect(run.status).to.equal(0);
  });

  it('(the check works: the OpenTelemetry integration is refused)', function () {
    this.timeout(20_000);
    const run = importWithoutPeers('integrations/opentelemetry.js');
    expect(run.status).to.not.equal(0);
    expect(run.output).to.include('loaded @opentelemetry/api');
  });

  it('the Fastify integration needs fastify for its types only', function () {
    this.timeout(20_000);
    const run = importWithoutPeers('integrations/fastify.js');
    expect(run.output.trim(), run.output).to.equal('ok');
  });
});
