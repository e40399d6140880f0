// A folder (e.g. .build/nest, the Nest spec app) holding CommonJS under a "type": "module"
// package: a nested package.json says so.
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
writeFileSync(resolve(root, process.argv[2] ?? '.build/nest', 'package.json'), '{ "type": "commonjs" }\n');
