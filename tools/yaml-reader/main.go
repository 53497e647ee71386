// Command yaml-reader reads a multi-document YAML stream on stdin the way kubectl does and prints its
// documents as one JSON array: what the API server would receive. Documents are split on "---" lines
// as k8s.io/apimachinery/pkg/util/yaml's YAMLReader.Read splits them, and each is converted with
// sigs.k8s.io/yaml's YAMLToJSON (go-yaml v2, YAML 1.1 resolution). Empty documents are skipped.
package main

import (
	"bufio"
	"fmt"
	"os"
	"strings"

	"sigs.k8s.io/yaml"
)

func main() {
	var docs, chunk []string
	flush := func() {
		if y := strings.Join(chunk, ""); strings.TrimSpace(y) != "" {
			j, err := yaml.YAMLToJSON([]byte(y))
			if err != nil {
				fmt.Fprintf(os.Stderr, "document %d: %v\n", len(docs)+1, err)
				os.Exit(1)
			}
			if string(j) != "null" {
				docs = append(docs, string(j))
			}
		}
		chunk = nil
	}
	in := bufio.NewReader(os.Stdin)
	for {
		line, err := in.ReadString('\n')
		if strings.HasPrefix(line, "---") {
			// Only spaces or a comment may follow the separator (YAMLReader.Read).
			if rest := strings.TrimSpace(line[3:]); rest != "" && rest[0] != '#' {
				fmt.Fprintf(os.Stderr, "invalid document separator: %q\n", line)
				os.Exit(1)
			}
			flush()
		} else {
			chunk = append(chunk, line)
		}
		if err != nil {
			break
		}
	}
	flush()
	fmt.Println("[" + strings.Join(docs, ",") + "]")
}
