#!/usr/bin/env node
// The package's `bin` (dist/bin/raster2img.cjs): runs the bundled CLI through bundle-loader.cjs,
// found beside this file's real path (not beside a symlink run under --preserve-symlinks-main).
'use strict';
const { realpathSync } = require('node:fs');
const { dirname, join } = require('node:path');

require(join(dirname(realpathSync(__filename)), 'bundle-loader.cjs')).startCli();
