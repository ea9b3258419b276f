// The messages of the parts loaded on demand (tally, products, scanner), in the page's language:
// /app/more-messages.json, precached for each language so that they work offline too. The shell's
// own messages stay in its page; `t` falls back to them for a key the file does not hold.
let loading = null;

export async function moreMessages(t) {
  loading ??= fetch(`/app/more-messages.json?lang=${document.documentElement.lang}`, { credentials: 'same-origin' })
    .then((response) => {
      if (!response.ok) throw new Error(`messages ${response.status}`);
      return response.json();
    })
    .catch((error) => {
      loading = null; // tried again next time
      throw error;
    });
  const more = await loading;
  return (key, n) => {
    if (!(key in more)) return t(key, n);
    const text = more[key];
    return n === undefined ? text : text.replace('{n}', n.toLocaleString(document.documentElement.lang));
  };
}
