// Command eso-template renders ExternalSecret templates as the External Secrets Operator's engine v2
// executes each `target.template.data` value (external-secrets@v2.9.0 runtime/template/v2/template.go,
// execute): Go's text/template with Option("missingkey=error") over the fetched values as strings.
// ESO adds sprig's and its own functions; the platform's templates use only Go's built-ins (index,
// urlquery). Input on stdin: {"templates": {key: text}, "data": {key: value}}; output: {key: rendered},
// or the first error on stderr with exit status 1.
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"text/template"
)

func main() {
	var in struct {
		Templates map[string]string `json:"templates"`
		Data      map[string]string `json:"data"`
	}
	if err := json.NewDecoder(os.Stdin).Decode(&in); err != nil {
		fmt.Fprintf(os.Stderr, "input: %v\n", err)
		os.Exit(1)
	}
	keys := make([]string, 0, len(in.Templates))
	for k := range in.Templates {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := map[string]string{}
	for _, k := range keys {
		t, err := template.New(k).Option("missingkey=error").Parse(in.Templates[k])
		if err != nil {
			fmt.Fprintf(os.Stderr, "unable to parse template at key %s: %v\n", k, err)
			os.Exit(1)
		}
		var buf bytes.Buffer
		if err := t.Execute(&buf, in.Data); err != nil {
			fmt.Fprintf(os.Stderr, "unable to execute template at key %s: %v\n", k, err)
			os.Exit(1)
		}
		out[k] = buf.String()
	}
	json.NewEncoder(os.Stdout).Encode(out)
}
