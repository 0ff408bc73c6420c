// Placeholder: recheck resolves this path at load time; keysweep uses recheck's 'pure' backend only.
throw new Error('recheck worker backend is not bundled');
