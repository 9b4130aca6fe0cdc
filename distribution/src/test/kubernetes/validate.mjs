// Validates Kubernetes manifests (multi-document YAML) against the Kubernetes API's JSON schemas
// as packaged by kubernetes-models: types, required fields, enumerations and formats of every
// object. Like the API server without strict field validation, it does not reject unknown fields.
//
//   node validate.mjs FILE...    prints "ok FILE Kind/name" per object; exit 1 on any problem
import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";

let problems = 0;
for (const file of process.argv.slice(2)) {
    const documents = parseAllDocuments(readFileSync(file, "utf8"));
    for (const document of documents) {
        if (document.errors.length > 0) {
            for (const error of document.errors) {
                console.log(`error ${file}: YAML: ${error.message}`);
            }
            problems++;
            continue;
        }
        const object = document.toJS();
        if (object === null || object === undefined) {
            continue;
        }
        const where = `${file} ${object.kind}/${object.metadata?.name}`;
        if (typeof object.apiVersion !== "string" || typeof object.kind !== "string") {
            console.log(`error ${where}: apiVersion and kind are required`);
            problems++;
            continue;
        }
        // "v1" is the core group; "batch/v1" is group batch, version v1
        let model;
        try {
            model = (await import(`kubernetes-models/${object.apiVersion}`))[object.kind];
        }
        catch (e) {
            model = undefined;
        }
        if (typeof model !== "function") {
            console.log(`error ${where}: no schema for apiVersion ${object.apiVersion} kind ${object.kind}`);
            problems++;
            continue;
        }
        try {
            new model(object).validate();
            console.log(`ok ${where}`);
        }
        catch (e) {
            console.log(`error ${where}: ${e.message}`);
            problems++;
        }
    }
}
process.exit(problems === 0 ? 0 : 1);
