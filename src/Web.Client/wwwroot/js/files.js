// Saves bytes fetched with the access token as a download (an <a href> could not send the Authorization header).
export function saveFile(fileName, contentType, bytes) {
  const url = URL.createObjectURL(new Blob([bytes], { type: contentType }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName || 'download';
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}
