// Data source acme_server_url's attributes, declared once (plain data: the constructs read it too).
import { string } from "../provider/declarations.js";

export const serverUrlDescription = "The ACME server URL the provider is configured with.";

export const serverUrlAttributes = {
  id: string({ computed: true, description: "The server URL." }),
  server_url: string({ computed: true, description: "The URL of the ACME directory." }),
};
