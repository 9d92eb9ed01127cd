#!/usr/bin/env node
'use strict';
// The CLI is bundled by esbuild (npm run build) into dist/cli.js.
require('../dist/cli.js');
