#!/usr/bin/env node
// The package's `bin` (dist/bin/raster2img.cjs): runs the bundled CLI through bundle-loader.cjs,
// found beside this file's real path (not beside a symlink run under --preserve-symlinks-main).
'use strict';
require(require('node:path').join(require('node:path').dirname(require('node:fs').realpathSync(__filename)), 'bundle-loader.cjs')).startCli();
