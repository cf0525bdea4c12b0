#!/usr/bin/env node
// Installed entry: runs the compiled CLI (`npm run build` first); in a checkout use `npm run tracegate -- …`.
import '../dist/plugin/cli.js';
