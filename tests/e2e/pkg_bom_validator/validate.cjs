// validate.cjs BOM.json... - CycloneDX 1.6 JSON schema validation, offline:
// the schemas ship inside @cyclonedx/cyclonedx-library, and its strict
// validator compiles them with ajv, ajv-formats and ajv-formats-draft2019.
// Prints "valid FILE" or the errors; exits 0 only when every file is valid.
const CDX = require('@cyclonedx/cyclonedx-library');
const fs = require('fs');

(async () => {
	const v = new CDX.Validation.JsonStrictValidator(CDX.Spec.Version.v1dot6);
	let bad = 0;
	for (const f of process.argv.slice(2)) {
		const err = await v.validate(fs.readFileSync(f, 'utf8'));
		if (err === null) {
			console.log('valid ' + f);
		} else {
			bad++;
			console.log('invalid ' + f + ': ' + JSON.stringify(err).slice(0, 2000));
		}
	}
	process.exit(bad ? 1 : 0);
})().catch((e) => {
	console.log('validator error: ' + e);
	process.exit(3);
});
