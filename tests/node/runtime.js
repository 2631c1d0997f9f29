// SPDX-License-Identifier: GPL-2.0
//
// runtime.js - the parts of node's runtime a program leans on besides
// plain JavaScript: the file system (sync, callback and promise APIs),
// timers in order, promises and async functions, fs streams through the
// event loop, and worker_threads with messages both ways and a
// SharedArrayBuffer with Atomics.
//
//   node runtime.js [DIR]
//
// DIR (default /tmp) gets a scratch directory that is removed at the end.
// Every line printed is deterministic: tests/cluster/test_node.py compares
// it with the same command run natively.  The last line is "done".

'use strict';

const fs = require('fs');
const fsp = require('fs/promises');
const path = require('path');
const { Worker, isMainThread, parentPort, workerData } =
	require('worker_threads');

function workerMain() {
	const shared = new Int32Array(workerData.sab);
	parentPort.on('message', (msg) => {
		if (msg === 'stop') {
			parentPort.close();
			return;
		}
		let sum = 0;
		for (const x of msg)
			sum += x;
		Atomics.add(shared, 0, sum);
		Atomics.notify(shared, 0);
		parentPort.postMessage({ sum, n: msg.length });
	});
}

function sleep(ms) {
	return new Promise((resolve) => setTimeout(resolve, ms));
}

async function files(dir) {
	const a = path.join(dir, 'a.txt');
	fs.writeFileSync(a, 'line one\n');
	fs.appendFileSync(a, 'line two\n');
	console.log('sync read', JSON.stringify(fs.readFileSync(a, 'utf8')));
	const st = fs.statSync(a);
	console.log('stat', st.size, st.isFile(), st.isDirectory());

	await new Promise((resolve, reject) => {
		fs.readFile(a, 'utf8', (err, data) => {
			if (err)
				return reject(err);
			console.log('callback read', data.split('\n').length - 1,
				'lines');
			resolve();
		});
	});

	const b = path.join(dir, 'b.bin');
	const buf = Buffer.alloc(200000);
	for (let i = 0; i < buf.length; i++)
		buf[i] = (i * 7 + (i >> 8)) & 0xff;
	await fsp.writeFile(b, buf);
	const back = await fsp.readFile(b);
	console.log('promises read', back.length, back.equals(buf));

	// A stream through the event loop: read b.bin in chunks, write c.bin.
	const c = path.join(dir, 'c.bin');
	await new Promise((resolve, reject) => {
		const rs = fs.createReadStream(b, { highWaterMark: 16384 });
		const ws = fs.createWriteStream(c);
		let chunks = 0;
		rs.on('data', () => chunks++);
		rs.on('error', reject);
		ws.on('error', reject);
		ws.on('finish', () => {
			console.log('stream chunks', chunks);
			resolve();
		});
		rs.pipe(ws);
	});
	console.log('stream copy', fs.readFileSync(c).equals(buf));

	fs.mkdirSync(path.join(dir, 'sub', 'deeper'), { recursive: true });
	fs.renameSync(c, path.join(dir, 'sub', 'c.bin'));
	const names = (await fsp.readdir(dir)).sort();
	console.log('readdir', names.join(' '));
	try {
		fs.readFileSync(path.join(dir, 'missing'));
		console.log('missing file read?');
	} catch (err) {
		console.log('missing', err.code);
	}
}

async function timers() {
	const order = [];
	const done = new Promise((resolve) => {
		// Set in the order they are due: a slow machine may spend
		// more than their differences between two setTimeout calls.
		setTimeout(() => order.push('t0'), 0);
		setTimeout(() => order.push('t10'), 10);
		setTimeout(() => order.push('t30'), 30);
		setImmediate(() => order.push('immediate'));
		process.nextTick(() => order.push('tick'));
		Promise.resolve().then(() => order.push('micro'));
		const iv = setInterval(() => {
			order.push('iv');
			if (order.filter((x) => x === 'iv').length === 3) {
				clearInterval(iv);
				setTimeout(resolve, 40);
			}
		}, 5);
		const never = setTimeout(() => order.push('cleared'), 1);
		clearTimeout(never);
	});
	await done;
	// Timers of different delays fire in delay order; the microtasks
	// first.  Where the intervals fall between them is timing, so only
	// their count and the fixed part are printed.
	console.log('timers first', order.slice(0, 2).join(' '));
	console.log('timers order', order.filter((x) => /^t[0-9]/.test(x)).join(' '));
	console.log('intervals', order.filter((x) => x === 'iv').length,
		'cleared', order.includes('cleared'));
	const t0 = Date.now();
	await sleep(50);
	console.log('slept enough', Date.now() - t0 >= 49);
}

async function promises() {
	const vals = await Promise.all([1, 2, 3].map(async (x) => {
		await sleep(3 * (4 - x));
		return x * x;
	}));
	console.log('all', vals.join(','));
	const settled = await Promise.allSettled([
		Promise.reject(new Error('no')), Promise.resolve('yes')]);
	console.log('allSettled', settled.map((s) => s.status).join(','));
	// The 1 ms timer is armed first, so the 40 ms one cannot expire
	// before it however long arming the second takes.  Armed the other
	// way round, 40 ms of page misses between the two calls once let the
	// slow one win on Tessera.
	const fast = sleep(1).then(() => 'fast');
	const first = await Promise.race([sleep(40).then(() => 'slow'),
		fast]);
	console.log('race', first);
	try {
		await (async () => { throw new TypeError('thrown'); })();
	} catch (err) {
		console.log('caught', err.name, err.message);
	}
}

async function workers() {
	const sab = new SharedArrayBuffer(4);
	const shared = new Int32Array(sab);
	const w = new Worker(__filename, { workerData: { sab } });
	const replies = [];
	await new Promise((resolve, reject) => {
		w.on('error', reject);
		w.on('message', (m) => {
			replies.push(`${m.n}:${m.sum}`);
			if (replies.length === 3)
				resolve();
		});
		w.postMessage([1, 2, 3]);
		w.postMessage(Array.from({ length: 1000 }, (_, i) => i));
		w.postMessage([-5]);
	});
	const code = await new Promise((resolve) => {
		w.on('exit', resolve);
		w.postMessage('stop');
	});
	console.log('worker replies', replies.join(' '));
	console.log('worker shared', Atomics.load(shared, 0), 'exit', code);
}

async function main() {
	const base = process.argv[2] || '/tmp';
	const dir = fs.mkdtempSync(path.join(base, 'runtime-'));
	try {
		await files(dir);
	} finally {
		fs.rmSync(dir, { recursive: true, force: true });
	}
	console.log('scratch removed', !fs.existsSync(dir));
	await timers();
	await promises();
	await workers();
	console.log('done');
}

if (isMainThread) {
	main().catch((err) => {
		console.error('runtime.js:', err && err.stack || err);
		process.exit(1);
	});
} else {
	workerMain();
}
